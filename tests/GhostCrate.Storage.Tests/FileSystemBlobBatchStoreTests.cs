using GhostCrate.Core.Storage;
using GhostCrate.Storage.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

/// <summary>The restore's batched writes into a file-system store: the same files a put makes, readable through the store.</summary>
public sealed class FileSystemBlobBatchStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Directory.CreateTempSubdirectory("ghostcrate-batch-").FullName, "blobs");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);

    [Fact]
    public async Task Concurrent_puts_then_a_flush_store_every_blob_replacing_what_was_there_and_leave_no_temp_file()
    {
        var store = new FileSystemBlobStore(_root, NullLogger<FileSystemBlobStore>.Instance);
        await store.PutAsync(BlobKey.CrateFile("c0", "1.0.0"), new MemoryStream([0xEE]), BlobPutMode.Overwrite, Ct);
        var payloads = Enumerable.Range(0, 64).ToDictionary(n => BlobKey.CrateFile($"c{n}", "1.0.0"), n => Payloads.Random(1000 + n, seed: n));

        var batch = new FileSystemBlobBatchStore(_root).StartBatch();
        await Parallel.ForEachAsync(payloads, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (pair, token) => await batch.PutAsync(pair.Key, new MemoryStream(pair.Value), token));
        await batch.FlushAsync(Ct);

        foreach (var (key, bytes) in payloads)
        {
            await using var blob = await store.OpenReadAsync(key, Ct);
            Assert.NotNull(blob);
            using var copy = new MemoryStream();
            await blob.Stream.CopyToAsync(copy, Ct);
            Assert.Equal(bytes, copy.ToArray());
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, ".tmp")));
    }

    [Fact]
    public async Task A_put_whose_stream_fails_midway_leaves_no_blob_and_no_temp_file()
    {
        var key = BlobKey.CrateFile("broken", "1.0.0");
        var batch = new FileSystemBlobBatchStore(_root).StartBatch();

        await Assert.ThrowsAsync<IOException>(() => batch.PutAsync(key, InterruptedStream.Throwing(200_000), Ct));
        await batch.FlushAsync(Ct);

        Assert.False(await new FileSystemBlobStore(_root, NullLogger<FileSystemBlobStore>.Instance).ExistsAsync(key, Ct));
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_key_outside_the_root_is_refused()
    {
        var batch = new FileSystemBlobBatchStore(_root).StartBatch();
        await Assert.ThrowsAsync<ArgumentException>(() => batch.PutAsync(BlobKey.FromPath("../escape"), new MemoryStream([1]), Ct));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_root)!, "escape")));
    }
}
