using System.Security.Cryptography;
using GhostCrate.Core.Proxy;

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
