using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Tests;

/// <summary>
/// The group sync vouches for a file only with a sync that started after the file was written: a caller that arrives
/// while a sync runs waits for the next one. The sync action is a gate the test opens, so the order is exact.
/// </summary>
public sealed class GroupSyncTests
{
    [Fact]
    public async Task A_caller_that_arrives_during_a_sync_waits_for_the_next_one()
    {
        var syncs = 0;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim(false);
        var group = new GroupSync(() =>
        {
            if (Interlocked.Increment(ref syncs) == 1)
            {
                firstStarted.SetResult();
                release.Wait(TimeSpan.FromSeconds(30));
            }
            return true;
        });

        var early = group.WaitDurableAsync();
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var late = group.WaitDurableAsync();
        var alsoLate = group.WaitDurableAsync();
        Assert.False(early.IsCompleted);
        Assert.False(late.IsCompleted);

        release.Set();
        Assert.True(await early.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await late.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await alsoLate.WaitAsync(TimeSpan.FromSeconds(30)));
        // The two late callers shared the second sync.
        Assert.Equal(2, Volatile.Read(ref syncs));
    }

    [Fact]
    public async Task A_failed_or_throwing_sync_answers_false_and_the_next_caller_is_synced_again()
    {
        var results = new Queue<Func<bool>>([() => false, () => throw new IOException("EIO"), () => true]);
        var group = new GroupSync(() => results.Dequeue()());

        Assert.False(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task On_linux_the_mirror_file_system_is_synced_for_real()
    {
        Assert.True(OperatingSystem.IsLinux(), "syncfs(2) is Linux's");
        var root = Directory.CreateTempSubdirectory("gc-groupsync-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "a.crate.part"), "bytes");
            var group = GroupSync.ForFileSystemOf(root);
            Assert.NotNull(group);
            Assert.True(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            // A folder that does not exist cannot be synced: the caller is told to flush its own file.
            Assert.False(await GroupSync.ForFileSystemOf(Path.Combine(root, "missing"))!.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
