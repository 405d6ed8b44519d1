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
    public async Task Local_files_put_as_files_store_the_same_bytes_replace_what_was_there_and_a_missing_one_leaves_nothing()
    {
        // What a restore from a local, unencrypted backup does: each blob copied file to file, several at once.
        var store = new FileSystemBlobStore(_root, NullLogger<FileSystemBlobStore>.Instance);
        await store.PutAsync(BlobKey.CrateFile("f0", "1.0.0"), new MemoryStream([0xEE]), BlobPutMode.Overwrite, Ct);
        var sources = Directory.CreateTempSubdirectory("ghostcrate-batch-src-").FullName;
        try
        {
            // Sizes around the copy buffer (128 KiB) too: one read, two reads, and an empty file.
            int[] sizes = [0, 1, 1000, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 300_000];
            var payloads = sizes.Select((size, n) => (Key: BlobKey.CrateFile($"f{n}", "1.0.0"), Bytes: Payloads.Random(size, seed: n), File: Path.Combine(sources, $"f{n}"))).ToList();
            foreach (var p in payloads) await File.WriteAllBytesAsync(p.File, p.Bytes, Ct);

            var batch = new FileSystemBlobBatchStore(_root).StartBatch();
            await Parallel.ForEachAsync(payloads, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct },
                async (p, token) => await batch.PutFileAsync(p.Key, p.File, token));
            var missing = BlobKey.CrateFile("missing", "1.0.0");
            await Assert.ThrowsAsync<FileNotFoundException>(() => batch.PutFileAsync(missing, Path.Combine(sources, "not-there"), Ct));
            await batch.FlushAsync(Ct);

            foreach (var p in payloads)
            {
                await using var blob = await store.OpenReadAsync(p.Key, Ct);
                Assert.NotNull(blob);
                using var copy = new MemoryStream();
                await blob.Stream.CopyToAsync(copy, Ct);
                Assert.Equal(p.Bytes, copy.ToArray());
                Assert.True(File.Exists(p.File), "the source file is left in place");
            }
            Assert.Null(await store.OpenReadAsync(missing, Ct));
            Assert.False(Directory.Exists(Path.Combine(_root, "crates", "missing")), "a missing source makes no folder");
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, ".tmp")));
        }
        finally
        {
            Directory.Delete(sources, recursive: true);
        }
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
