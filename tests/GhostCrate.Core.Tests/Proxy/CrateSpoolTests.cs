using System.Security.Cryptography;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Threading;

namespace GhostCrate.Core.Tests.Proxy;

public class CrateSpoolTests
{
    [Theory]
    [InlineData(100)]      // stays in memory
    [InlineData(5000)]     // spills to a temp file part-way through
    public async Task Hashes_and_reads_back_everything_written_in_memory_or_spilled(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        await using var spool = new CrateSpool(memoryLimit: 1024);

        // Chunks of odd sizes, through both write paths, as an HTTP body copy delivers them.
        for (var offset = 0; offset < data.Length; offset += 333)
        {
            var chunk = data.AsMemory(offset, Math.Min(333, data.Length - offset));
            if (offset % 2 == 0) await spool.WriteAsync(chunk, TestContext.Current.CancellationToken);
            else spool.Write(chunk.Span);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), spool.Sha256Hex());
        Assert.Equal(size <= 1024, spool.Bytes is not null);
        Assert.Equal(size, spool.Length);
        for (var i = 0; i < 2; i++)
        {
            await using var read = spool.OpenRead();
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy, TestContext.Current.CancellationToken);
            Assert.Equal(data, copy.ToArray());
        }
    }

    [Fact]
    public async Task A_write_that_spills_from_a_socket_event_thread_goes_on_from_the_pool()
    {
        // A proxy mount's cold download may write into the spool from a socket event thread (a dedicated thread stands
        // in for one, as in IoThreadsTests), which must never wait for a disk: the write that creates the temp file
        // has to leave it first. Leaving is what the server does with inline socket completions on (its default);
        // turning that on here only adds hops to other tests' flows, never changes what they compute.
        IoThreads.UseInlineCompletions();
        await using var spool = new CrateSpool(memoryLimit: 1024);
        var threads = new TaskCompletionSource<(bool InMemory, bool Spilled)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var inMemory = spool.WriteAsync(new byte[1000]);
            var wasOutsidePool = !Thread.CurrentThread.IsThreadPoolThread;
            _ = Spill(inMemory.IsCompleted && wasOutsidePool);
        });
        thread.Start();

        var (inMemoryAtOnce, spilledOnPool) = await threads.Task;
        Assert.True(inMemoryAtOnce); // a write that fits completes at once, on the caller's thread
        Assert.True(spilledOnPool);
        Assert.Null(spool.Bytes);
        Assert.Equal(2000, spool.Length);

        async Task Spill(bool inMemory)
        {
            await spool.WriteAsync(new byte[1000]);
            threads.SetResult((inMemory, Thread.CurrentThread.IsThreadPoolThread));
        }
    }

    [Fact]
    public async Task A_spilled_spool_leaves_no_temp_file_behind()
    {
        var before = Directory.GetFiles(Path.GetTempPath(), "ghostcrate-proxy-*").ToHashSet();
        var spool = new CrateSpool(memoryLimit: 10);
        spool.Write(new byte[100]);
        Assert.Single(Directory.GetFiles(Path.GetTempPath(), "ghostcrate-proxy-*").Except(before));

        await spool.DisposeAsync();

        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "ghostcrate-proxy-*").Except(before));
    }
}
