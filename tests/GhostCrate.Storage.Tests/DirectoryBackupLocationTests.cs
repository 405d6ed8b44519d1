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
    public async Task A_local_file_is_added_as_a_file_with_its_measured_size_and_hash_and_read_back_as_a_local_file()
    {
        var location = new DirectoryBackupLocation(_root);
        var sources = Directory.CreateTempSubdirectory("ghostcrate-backup-src-").FullName;
        try
        {
            // Sizes around the copy buffer (128 KiB): one read, two reads, and an empty file.
            int[] sizes = [0, 11, 128 * 1024, 128 * 1024 + 1, 300_000];
            var files = sizes.Select((size, n) => (Path: $"blobs/crates/f{n}/f{n}-1.0.0.crate", Bytes: RandomNumberGenerator.GetBytes(size), Local: System.IO.Path.Combine(sources, $"f{n}"))).ToList();
            foreach (var f in files) await File.WriteAllBytesAsync(f.Local, f.Bytes, Cancel);
            var added = new List<FileFacts>();
            await using (var writer = await location.CreateAsync("b4", Cancel))
            {
                foreach (var f in files) added.Add(await writer.AddFileAsync(f.Path, f.Local, Cancel));
                // A missing source throws before anything is made for it.
                await Assert.ThrowsAsync<FileNotFoundException>(() => writer.AddFileAsync("blobs/crates/gone/gone-1.0.0.crate", System.IO.Path.Combine(sources, "gone"), Cancel));
                await writer.CommitAsync(Encoding.UTF8.GetBytes("{}"), Cancel);
            }

            var reader = location.Open("b4");
            Assert.False(Directory.Exists(System.IO.Path.Combine(_root, "b4", "blobs", "crates", "gone")), "no folder for a missing source");
            for (var i = 0; i < files.Count; i++)
            {
                Assert.Equal(new FileFacts(files[i].Bytes.Length, Convert.ToHexStringLower(SHA256.HashData(files[i].Bytes))), added[i]);
                var local = reader.LocalFile(files[i].Path);
                Assert.NotNull(local);
                Assert.Equal(files[i].Bytes, await File.ReadAllBytesAsync(local, Cancel));
                using var handle = FileFacts.OpenSource(local);
                Assert.Equal(added[i], FileFacts.MeasureFile(handle, Cancel));
                Assert.True(File.Exists(files[i].Local), "the source file is left in place");
            }
        }
        finally
        {
            Directory.Delete(sources, recursive: true);
        }
    }

    [Fact]
    public async Task A_path_outside_the_backup_folder_is_refused()
    {
        var location = new DirectoryBackupLocation(_root);
        await using var writer = await location.CreateAsync("b3", Cancel);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddAsync("../escape", new MemoryStream([1]), Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => location.Open("b3").OpenReadAsync("../../etc/passwd", Cancel));
        Assert.Throws<ArgumentException>(() => location.Open("b3").LocalFile("../../etc/passwd"));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.AddFileAsync("../escape", "/etc/hostname", Cancel));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
