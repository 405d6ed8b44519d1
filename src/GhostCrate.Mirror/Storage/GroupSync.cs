using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// Group commit for downloaded files. A verified file may be renamed into the mirror only once its bytes are durable:
/// after a crash, a renamed file with missing bytes would be taken as present by the next run and served as it is.
/// One fsync per file makes the disk's flush latency the limit of a sync of many small files; instead, every file that
/// is ready waits for the next syncfs(2) of the mirror's file system, which makes all of them durable in one call.
/// A caller that arrives while a syncfs runs waits for the one after it: a syncfs only vouches for what was written
/// before it started. Only the file system holding the mirror is synced, so every file handed to it must live there.
/// <para>
/// A group is not synced the moment its first file is ready: while files are still being written
/// (<see cref="Writing"/>), it gathers until it holds <c>groupSize</c> files. A syncfs costs the same fixed flush of
/// the disk however many files it covers, so fewer, larger groups spend far less per file. The group is synced as soon
/// as nobody is writing, so the last files of a run (or of a lull) never wait for company that is not coming, and at
/// the latest <c>maxWait</c> after its first file arrived, so a download that stalls (still "writing" until its
/// timeout) cannot hold back the files that are done.
/// </para>
/// </summary>
public sealed class GroupSync
{
    private readonly Func<bool> _sync;
    private readonly TimeProvider _time;
    private readonly int _groupSize;
    private readonly TimeSpan _maxWait;
    private readonly object _gate = new();
    private TaskCompletionSource<bool>? _next;
    private int _nextCount;
    private bool _overdue;
    private ITimer? _deadline;
    private int _writers;
    private bool _running;

    /// <summary>Syncs as soon as a file is ready (groups form only from files that arrive while a sync runs).</summary>
    /// <param name="sync">Makes everything written so far durable; false when it could not.</param>
    public GroupSync(Func<bool> sync) : this(sync, TimeProvider.System, groupSize: 1, TimeSpan.Zero)
    {
    }

    /// <param name="sync">Makes everything written so far durable; false when it could not.</param>
    /// <param name="groupSize">How many ready files a group waits for while other files are still being written.</param>
    /// <param name="maxWait">The longest a group waits for more files after its first one arrived.</param>
    public GroupSync(Func<bool> sync, TimeProvider time, int groupSize, TimeSpan maxWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        _sync = sync;
        _time = time;
        _groupSize = groupSize;
        _maxWait = maxWait;
    }

    /// <summary>The group sync of the file system holding <paramref name="root"/>, or null where there is no syncfs (then fsync each file).</summary>
    public static GroupSync? ForFileSystemOf(string root) =>
        OperatingSystem.IsLinux() ? new GroupSync(() => LinuxNative.TrySyncFileSystem(root)) : null;

    /// <summary>As <see cref="ForFileSystemOf(string)"/>, with groups that gather while files are still being written.</summary>
    public static GroupSync? ForFileSystemOf(string root, TimeProvider time, int groupSize, TimeSpan maxWait) =>
        OperatingSystem.IsLinux() ? new GroupSync(() => LinuxNative.TrySyncFileSystem(root), time, groupSize, maxWait) : null;

    /// <summary>Whether a sync is running or about to (set the moment a group becomes due; tests read it).</summary>
    internal bool Syncing
    {
        get
        {
            lock (_gate) return _running;
        }
    }

    /// <summary>
    /// Marks one file as being written until the result is disposed: a group smaller than the group size waits for it.
    /// Dispose before waiting for durability (a writer that waits for its own group would wait for itself).
    /// </summary>
    public IDisposable Writing()
    {
        lock (_gate) _writers++;
        return new WriterMark(this);
    }

    /// <summary>
    /// Completes after a sync that started after this call: true when it made the caller's earlier writes durable,
    /// false when it failed (the caller then flushes its own file).
    /// </summary>
    public Task<bool> WaitDurableAsync()
    {
        lock (_gate)
        {
            if (_next is null)
            {
                // Continuations run elsewhere: the sync loop must not run every waiter's next download inline.
                _next = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_groupSize > 1) _deadline = _time.CreateTimer(Overdue, _next, _maxWait, Timeout.InfiniteTimeSpan);
            }
            _nextCount++;
            var waiting = _next.Task;
            StartIfDue();
            return waiting;
        }
    }

    private void Overdue(object? group)
    {
        lock (_gate)
        {
            // The timer of a group that has been synced since is late news.
            if (!ReferenceEquals(group, _next)) return;
            _overdue = true;
            StartIfDue();
        }
    }

    private void WriterDone()
    {
        lock (_gate)
        {
            _writers--;
            StartIfDue();
        }
    }

    /// <summary>Called under the gate: starts the sync loop when a group is waiting and should not wait longer.</summary>
    private void StartIfDue()
    {
        if (_running || !GroupIsDue()) return;
        _running = true;
        // A thread of its own, not the thread pool's: syncfs blocks for as long as the disk takes to flush, and on a
        // small machine the pool has as few threads as cores, so a pool thread stuck in it would leave the downloads,
        // their hashing and the index writing one thread short for the whole flush (the pool does not see a blocking
        // system call and adds no thread for it).
        new Thread(SyncWhileDue) { IsBackground = true, Name = "mirror group sync" }.Start();
    }

    private bool GroupIsDue() => _next is not null && (_nextCount >= _groupSize || _writers == 0 || _overdue);

    private void SyncWhileDue()
    {
        while (true)
        {
            TaskCompletionSource<bool> group;
            lock (_gate)
            {
                if (!GroupIsDue())
                {
                    // A smaller group keeps gathering; the writer that finishes last, or the waiter that fills it, starts the loop again.
                    _running = false;
                    return;
                }
                group = _next!;
                _next = null; // later callers form the next group, synced after this one
                _nextCount = 0;
                _overdue = false;
                _deadline?.Dispose();
                _deadline = null;
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

    private sealed class WriterMark(GroupSync owner) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) owner.WriterDone();
        }
    }
}
