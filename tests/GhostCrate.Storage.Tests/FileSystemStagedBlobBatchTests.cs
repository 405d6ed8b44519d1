using System.Security.Cryptography;
using GhostCrate.Core.Storage;
using GhostCrate.Storage.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Storage.Tests;

/// <summary>A restore's staged writes into a file-system store: out of sight until the commit, gone without one.</summary>
public sealed class FileSystemStagedBlobBatchTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("ghostcrate-staged-").FullName;
    private string Root => Path.Combine(_parent, "blobs");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public async Task Staged_blobs_are_out_of_sight_until_the_commit_moves_them_in_beside_and_over_what_is_there()
    {
        var store = new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance);
        var kept = BlobKey.CrateFile("kept", "1.0.0");
        var replaced = BlobKey.CrateFile("c0", "1.0.0");
        await store.PutBytesAsync(kept, [0xAA], BlobPutMode.Overwrite);
        await store.PutBytesAsync(replaced, [0xEE], BlobPutMode.Overwrite);
        // Crate files into a folder the store has (crates/), docs into one it has not (docs/, moved whole); some from
        // local files, some from streams (an encrypted backup's plaintext).
        var payloads = Enumerable.Range(0, 24).ToDictionary(
            n => n % 3 == 2 ? BlobKey.FromPath($"docs/d{n}/1.0.0/g1/index.html") : BlobKey.CrateFile($"c{n}", "1.0.0"),
            n => Payloads.Random(100 + (n * 997), seed: n));
        var sources = Path.Combine(_parent, "sources");
        Directory.CreateDirectory(sources);

        await using (var staged = Stage())
        {
            await Parallel.ForEachAsync(payloads.Select((p, n) => (p.Key, p.Value, n)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (p, token) =>
            {
                Core.Backup.FileFacts facts;
                if (p.n % 2 == 0)
                {
                    var file = Path.Combine(sources, $"s{p.n}");
                    await File.WriteAllBytesAsync(file, p.Value, token);
                    facts = await staged.StageFileAsync(p.Key, file, token);
                }
                else
                {
                    facts = await staged.StageAsync(p.Key, new MemoryStream(p.Value), token);
                }
                Assert.Equal((p.Value.Length, Convert.ToHexStringLower(SHA256.HashData(p.Value))), (facts.Size, facts.Sha256));
            });
            await Assert.ThrowsAsync<FileNotFoundException>(() => staged.StageFileAsync(BlobKey.CrateFile("missing", "1.0.0"), Path.Combine(sources, "not-there"), Ct));

            Assert.Equal([replaced.Path, kept.Path], await ListAsync(store)); // sorted
            Assert.Equal([0xEE], await store.ReadBytesAsync(replaced));

            await staged.CommitAsync(Ct);
        }

        foreach (var (key, bytes) in payloads) Assert.Equal(bytes, await store.ReadBytesAsync(key));
        Assert.Equal([0xAA], await store.ReadBytesAsync(kept));
        Assert.Equal(payloads.Keys.Select(k => k.Path).Append(kept.Path).Order(StringComparer.Ordinal), await ListAsync(store));
        Assert.False(Directory.Exists(Path.Combine(Root, "crates", "missing")), "a missing source makes no folder");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Root, ".tmp")));
    }

    [Fact]
    public async Task A_staged_batch_disposed_without_a_commit_leaves_the_folder_exactly_as_it_found_it()
    {
        // A store folder that does not exist yet stays missing.
        await using (var staged = Stage())
        {
            await staged.StageAsync(BlobKey.CrateFile("a", "1.0.0"), new MemoryStream([1, 2, 3]), Ct);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_parent));

        // One with blobs keeps exactly its files and folders.
        var store = new FileSystemBlobStore(Root, NullLogger<FileSystemBlobStore>.Instance);
        await store.PutBytesAsync(BlobKey.CrateFile("old", "1.0.0"), [9], BlobPutMode.Overwrite);
        var before = Tree(Root);
        await using (var staged = Stage())
        {
            await staged.StageAsync(BlobKey.CrateFile("old", "1.0.0"), new MemoryStream([1, 2, 3]), Ct);
            await staged.StageAsync(BlobKey.CrateFile("new", "1.0.0"), new MemoryStream([4, 5]), Ct);
        }
        Assert.Equal(before, Tree(Root));
        Assert.Equal([9], await store.ReadBytesAsync(BlobKey.CrateFile("old", "1.0.0")));
    }

    [Fact]
    public async Task A_key_outside_the_root_is_refused_and_a_batch_commits_once()
    {
        await using var staged = Stage();
        await Assert.ThrowsAsync<ArgumentException>(() => staged.StageAsync(BlobKey.FromPath("../escape"), new MemoryStream([1]), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => staged.StageAsync(BlobKey.FromPath(".tmp/x"), new MemoryStream([1]), Ct));
        Assert.False(File.Exists(Path.Combine(_parent, "escape")));
        await staged.CommitAsync(Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => staged.CommitAsync(Ct));
    }

    private IStagedBlobBatch Stage() => new FileSystemBlobBatchStore(Root).StartStaged();

    private static async Task<List<string>> ListAsync(IBlobStore store)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync("", Ct)) keys.Add(key);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Every file (with its bytes' hash) and folder under <paramref name="root"/>.</summary>
    private static List<string> Tree(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(e => File.Exists(e) ? $"{Path.GetRelativePath(root, e)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(e)))}" : $"{Path.GetRelativePath(root, e)}/")
            .ToList();
}
