using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// Group commit for downloaded files. A verified file may be renamed into the mirror only once its bytes are durable:
/// after a crash, a renamed file with missing bytes would be taken as present by the next run and served as it is.
/// One fsync per file makes the disk's flush latency the limit of a sync of many small files; instead, every file that
/// is ready waits for the next syncfs(2) of the mirror's file system, which makes all of them durable in one call.
/// A caller that arrives while a syncfs runs waits for the one after it: a syncfs only vouches for what was written
/// before it started. Only the file system holding the mirror is synced, so every file handed to it must live there.
/// </summary>
public sealed class GroupSync
{
    private readonly Func<bool> _sync;
    private readonly object _gate = new();
    private TaskCompletionSource<bool>? _next;
    private bool _running;

    /// <param name="sync">Makes everything written so far durable; false when it could not.</param>
    public GroupSync(Func<bool> sync) => _sync = sync;

    /// <summary>The group sync of the file system holding <paramref name="root"/>, or null where there is no syncfs (then fsync each file).</summary>
    public static GroupSync? ForFileSystemOf(string root) =>
        OperatingSystem.IsLinux() ? new GroupSync(() => LinuxNative.TrySyncFileSystem(root)) : null;

    /// <summary>
    /// Completes after a sync that started after this call: true when it made the caller's earlier writes durable,
    /// false when it failed (the caller then flushes its own file).
    /// </summary>
    public Task<bool> WaitDurableAsync()
    {
        lock (_gate)
        {
            // Continuations run elsewhere: the sync loop must not run every waiter's next download inline.
            _next ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiting = _next.Task;
            if (!_running)
            {
                _running = true;
                _ = Task.Run(SyncWhileWaited);
            }
            return waiting;
        }
    }

    private void SyncWhileWaited()
    {
        while (true)
        {
            TaskCompletionSource<bool> group;
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                group = _next;
                _next = null; // later callers form the next group, synced after this one
            }
            bool synced;
            try
            {
                synced = _sync();
            }
            catch (Exception)
            {
                // Whatever went wrong, the waiters must not hang: they fall back to flushing their own files.
                synced = false;
            }
            group.SetResult(synced);
        }
    }
}
