using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Backup;
using GhostCrate.Storage.FileSystem.Backup;

namespace GhostCrate.Storage.Tests;

public sealed class DirectoryBackupLocationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ghostcrate-backups-").FullName;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_backup_that_never_commits_has_files_but_no_manifest()
    {
        var location = new DirectoryBackupLocation(_root);
        await using (var writer = await location.CreateAsync("b1", Cancel))
        {
            await writer.AddAsync("blobs/crates/a/a-1.0.0.crate", new MemoryStream([1, 2, 3]), Cancel);
        }

        Assert.Equal(["b1"], await location.ListIdsAsync(Cancel));
        var reader = location.Open("b1");
        Assert.Null(await reader.ReadManifestAsync(Cancel));
        Assert.Equal(["blobs/crates/a/a-1.0.0.crate"], await reader.ListFilesAsync(Cancel).ToListAsync(Cancel));
        Assert.False(Directory.Exists(Path.Combine(_root, "b1", ".tmp")), "the staging folder is removed");
    }

    [Fact]
    public async Task A_committed_backup_reads_back_with_the_measured_size_and_hash()
    {
        var location = new DirectoryBackupLocation(_root);
        byte[] content = Encoding.UTF8.GetBytes("crate bytes");
        FileFacts added, adopted;
        await using (var writer = await location.CreateAsync("b2", Cancel))
        {
            added = await writer.AddAsync("blobs/crates/a/a-1.0.0.crate", new MemoryStream(content), Cancel);
            var staged = Path.Combine(writer.StagingFolder, "snapshot");
            await File.WriteAllBytesAsync(staged, [9, 9], Cancel);
            adopted = await writer.AdoptAsync("database/ghostcrate.sqlite", staged, Cancel);
            await writer.CommitAsync(Encoding.UTF8.GetBytes("{}"), Cancel);
        }

        Assert.Equal(new FileFacts(content.Length, Convert.ToHexStringLower(SHA256.HashData(content))), added);
        Assert.Equal(2, adopted.Size);
        var reader = location.Open("b2");
        Assert.Equal("{}", Encoding.UTF8.GetString((await reader.ReadManifestAsync(Cancel))!));
        Assert.Equal(["blobs/crates/a/a-1.0.0.crate", "database/ghostcrate.sqlite"], (await reader.ListFilesAsync(Cancel).ToListAsync(Cancel)).Order());
        await using var stream = await reader.OpenReadAsync("blobs/crates/a/a-1.0.0.crate", Cancel);
        Assert.Equal(added, await FileFacts.MeasureAsync(stream!, Cancel));
    }

    [Fact]
    public async Task A_path_outside_the_backup_folder_is_refused()
    {
        var location = new DirectoryBackupLocation(_root);
        await using var writer = await location.CreateAsync("b3", Cancel);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddAsync("../escape", new MemoryStream([1]), Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => location.Open("b3").OpenReadAsync("../../etc/passwd", Cancel));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
