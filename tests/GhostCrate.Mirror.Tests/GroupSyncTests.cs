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
    public async Task While_files_are_being_written_a_group_gathers_until_it_is_full()
    {
        var syncs = 0;
        var group = new GroupSync(() =>
        {
            Interlocked.Increment(ref syncs);
            return true;
        }, new ManualTime(DateTimeOffset.UnixEpoch), groupSize: 3, TimeSpan.FromSeconds(1));

        using var stillWriting = group.Writing();
        var first = group.WaitDurableAsync();
        var second = group.WaitDurableAsync();
        // Two ready files and a third still being written: no syncfs yet, the group waits for company. (A sync that
        // had started would still be running or would have completed the first wait: either is seen here.)
        Assert.False(group.Syncing);
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref syncs));

        // The third ready file fills the group: one sync covers all three although a writer is still busy.
        var third = group.WaitDurableAsync();
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, Volatile.Read(ref syncs));
    }

    [Fact]
    public async Task A_group_that_is_not_full_is_synced_as_soon_as_the_last_writer_is_done()
    {
        var syncs = 0;
        var group = new GroupSync(() =>
        {
            Interlocked.Increment(ref syncs);
            return true;
        }, new ManualTime(DateTimeOffset.UnixEpoch), groupSize: 100, TimeSpan.FromSeconds(1));

        var writerA = group.Writing();
        var writerB = group.Writing();
        var ready = group.WaitDurableAsync();
        writerA.Dispose();
        writerA.Dispose(); // twice is once: the count must not go below the writers that really remain
        Assert.False(group.Syncing);
        Assert.False(ready.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref syncs));

        // Nobody else is writing: waiting longer would only delay these files, so the small group is synced now.
        writerB.Dispose();
        Assert.True(await ready.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, Volatile.Read(ref syncs));

        // With no writer at all, a ready file is synced at once.
        Assert.True(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, Volatile.Read(ref syncs));
    }

    [Fact]
    public async Task A_stalled_writer_holds_a_group_back_no_longer_than_its_maximum_wait()
    {
        var syncs = 0;
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var group = new GroupSync(() =>
        {
            Interlocked.Increment(ref syncs);
            return true;
        }, time, groupSize: 100, TimeSpan.FromMilliseconds(200));

        using var stalled = group.Writing(); // a download that stopped sending bytes, still open until its own timeout
        var ready = group.WaitDurableAsync();
        time.Advance(TimeSpan.FromMilliseconds(150));
        var alsoReady = group.WaitDurableAsync();
        Assert.False(group.Syncing);
        Assert.False(ready.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref syncs));

        // 200 ms after the group's first file: synced without the stalled one, both files in one sync.
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(await ready.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await alsoReady.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, Volatile.Read(ref syncs));

        // The next group gets its own full wait, counted from its own first file.
        var next = group.WaitDurableAsync();
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(group.Syncing);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, Volatile.Read(ref syncs));
    }

    [Fact]
    public async Task The_sync_runs_on_a_thread_of_its_own_not_one_of_the_thread_pool()
    {
        // A syncfs blocks its thread while the disk flushes; on a pool thread it would take one of the few threads the
        // downloads run on.
        var onPoolThread = new List<bool>();
        var group = new GroupSync(() =>
        {
            lock (onPoolThread) onPoolThread.Add(Thread.CurrentThread.IsThreadPoolThread);
            return true;
        });

        Assert.True(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await group.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        lock (onPoolThread) Assert.Equal([false, false], onPoolThread);
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
