using GhostCrate.Core.Threading;

namespace GhostCrate.Core.Tests.Threading;

/// <summary>
/// A socket event thread is a thread the runtime made itself, outside the thread pool; a dedicated thread stands in
/// for one here. What runs after the awaits below must be on the pool, never on that thread.
/// </summary>
public sealed class IoThreadsTests
{
    [Fact]
    public async Task A_hop_from_a_thread_outside_the_pool_continues_on_the_pool()
    {
        var ranOnPool = await OnDedicatedThread(async () =>
        {
            await new IoThreads.PoolHop(needed: true);
            return Thread.CurrentThread.IsThreadPoolThread;
        });
        Assert.True(ranOnPool);
    }

    [Fact]
    public async Task A_hop_that_is_not_needed_stays_on_its_thread()
    {
        var ranOnPool = await OnDedicatedThread(async () =>
        {
            await new IoThreads.PoolHop(needed: false);
            return Thread.CurrentThread.IsThreadPoolThread;
        });
        Assert.False(ranOnPool);
    }

    [Fact]
    public async Task A_read_that_waited_returns_on_the_pool_although_the_bytes_arrived_on_another_thread()
    {
        // The stand-in for a socket: its pending read is completed by a dedicated thread, as an event thread would.
        var bare = new HandOffStream();
        var read = ReadAndReport(bare);
        bare.CompleteFromDedicatedThread(3);
        Assert.Equal((3, false), await read); // the bare stream continues on the completing thread ...

        var wrapped = new HandOffStream();
        read = ReadAndReport(new PoolResumingStream(wrapped));
        wrapped.CompleteFromDedicatedThread(5);
        Assert.Equal((5, true), await read); // ... the wrapped one on the pool

        static async Task<(int, bool)> ReadAndReport(Stream stream)
        {
            var n = await stream.ReadAsync(new byte[8]).ConfigureAwait(false);
            return (n, Thread.CurrentThread.IsThreadPoolThread);
        }
    }

    [Fact]
    public async Task A_read_of_a_flow_that_asked_for_it_continues_on_the_thread_that_completed_it()
    {
        var wrapped = new HandOffStream();
        var read = ReadOnSocketThread(new PoolResumingStream(wrapped));
        wrapped.CompleteFromDedicatedThread(5);
        Assert.Equal((5, false), await read);
        // Only that flow asked: the caller's own reads still return on the pool.
        Assert.False(IoThreads.MayResumeOnSocketThread);

        static async Task<(int, bool)> ReadOnSocketThread(Stream stream)
        {
            IoThreads.ResumeOnSocketThread();
            var n = await stream.ReadAsync(new byte[8]).ConfigureAwait(false);
            return (n, Thread.CurrentThread.IsThreadPoolThread);
        }
    }

    [Fact]
    public async Task A_read_that_completes_at_once_passes_through_and_writes_reach_the_inner_stream()
    {
        var inner = new MemoryStream();
        inner.Write([1, 2, 3]);
        inner.Position = 0;
        await using var wrapped = new PoolResumingStream(inner);
        var buffer = new byte[3];
        Assert.Equal(3, await wrapped.ReadAsync(buffer));
        Assert.Equal([1, 2, 3], buffer);
        await wrapped.WriteAsync(new byte[] { 4 });
        await wrapped.FlushAsync();
        Assert.Equal([1, 2, 3, 4], inner.ToArray());
    }

    private static Task<T> OnDedicatedThread<T>(Func<Task<T>> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            // Start the work here; its continuation decides where the rest runs. Waiting on the thread itself is
            // not needed: the outcome is reported through the task.
            work().ContinueWith(t =>
            {
                if (t.IsFaulted) result.SetException(t.Exception!.InnerExceptions);
                else result.SetResult(t.Result);
            }, TaskContinuationOptions.ExecuteSynchronously);
        });
        thread.Start();
        return result.Task;
    }

    /// <summary>A read that stays pending until a dedicated thread completes it.</summary>
    private sealed class HandOffStream : Stream
    {
        private readonly TaskCompletionSource<int> _pending = new();

        public void CompleteFromDedicatedThread(int bytes)
        {
            var thread = new Thread(() => _pending.SetResult(bytes));
            thread.Start();
            thread.Join();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(_pending.Task);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
