using System.Security.Cryptography;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Tests.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>
/// The order and the refusals of create and restore, with in-memory ports (the real SQLite, directory and cargo are in
/// Data.Tests, Storage.Tests and EndToEnd's BackupRestoreTests).
/// </summary>
public sealed class BackupUseCaseTests
{
    private static readonly byte[] CrateA = [1, 2, 3];
    private static readonly byte[] CrateB = [4, 5, 6, 7];
    private readonly MemoryBlobStore _blobs = new();
    private readonly MemoryLocation _location = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FakeDatabase Database(params SnapshotVersion[] versions) => new(new SnapshotContents([1, 2], new BackupCounts(2, versions.Length, 1, 0, 1), versions));

    private static SnapshotVersion Version(string crate, string version, byte[] bytes) => new(crate, version, Sha(bytes), bytes.Length);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private readonly MemoryRunLog _runs = new();

    private BackupCreator Creator(FakeDatabase db) => new(db, db, _blobs, _runs, TimeProvider.System, NullLogger<BackupCreator>.Instance);

    [Fact]
    public async Task The_manifest_is_written_after_every_file_and_lists_each_with_its_hash()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["crates/b/b-0.1.0.crate"] = CrateB;
        _blobs.Blobs["crates/c/c-9.0.0.crate"] = [9]; // published after the snapshot: no row, so not copied
        var manifest = await Creator(Database(Version("a", "1.0.0", CrateA), Version("B", "0.1.0", CrateB))).CreateAsync(_location, "test", Ct);

        var backup = Assert.Single(_location.Backups.Values);
        Assert.Equal(BackupManifest.FileName, backup.Writes[^1]);
        Assert.Equal(["database/ghostcrate.sqlite", "blobs/crates/a/a-1.0.0.crate", "blobs/crates/b/b-0.1.0.crate", BackupManifest.FileName], backup.Writes);
        Assert.Equal([new BackupBlobEntry("crates/a/a-1.0.0.crate", 3, Sha(CrateA)), new BackupBlobEntry("crates/b/b-0.1.0.crate", 4, Sha(CrateB))], manifest.Blobs);
        Assert.Equal(manifest.Id, BackupManifest.Parse(backup.Files[BackupManifest.FileName]).Id);
        var run = Assert.Single(_runs.Runs);
        Assert.True(run.Succeeded);
        Assert.Equal((manifest.Id, "memory", 7 + manifest.Database.Size), (run.BackupId, run.Target, run.Bytes));
    }

    [Fact]
    public async Task A_stored_file_that_differs_from_its_checksum_fails_the_backup_without_a_manifest()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateB;
        var ex = await Assert.ThrowsAsync<BackupException>(() => Creator(Database(Version("a", "1.0.0", CrateA))).CreateAsync(_location, "test", Ct));
        Assert.Contains("crates/a/a-1.0.0.crate", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BackupManifest.FileName, Assert.Single(_location.Backups.Values).Files.Keys);
        var run = Assert.Single(_runs.Runs);
        Assert.False(run.Succeeded);
        Assert.Equal(ex.Message, run.Error);
    }

    [Fact]
    public async Task A_missing_crate_file_fails_the_backup_without_a_manifest()
    {
        var ex = await Assert.ThrowsAsync<BackupException>(() => Creator(Database(Version("a", "1.0.0", CrateA))).CreateAsync(_location, "test", Ct));
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BackupManifest.FileName, Assert.Single(_location.Backups.Values).Files.Keys);
    }

    [Fact]
    public async Task Restore_refuses_a_damaged_backup_before_touching_the_target()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = Assert.Single(_location.Backups.Values);
        backup.Files["blobs/crates/a/a-1.0.0.crate"] = [1, 2, 4];
        var target = new MemoryBlobStore();
        var targetDb = Database(Version("a", "1.0.0", CrateA));

        var restorer = new BackupRestorer(new BackupVerifier(targetDb), targetDb, targetDb, target, NullLogger<BackupRestorer>.Instance);
        var ex = await Assert.ThrowsAsync<BackupException>(() => restorer.RestoreAsync(backup, force: false, Ct));
        Assert.Contains("blobs/crates/a/a-1.0.0.crate", ex.Message, StringComparison.Ordinal);
        Assert.Empty(target.Blobs);
        Assert.Equal(0, targetDb.Installs);
    }

    [Fact]
    public async Task Restore_refuses_a_target_with_blobs_unless_forced_and_installs_the_database_last()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = Assert.Single(_location.Backups.Values);
        var target = new MemoryBlobStore();
        target.Blobs["crates/old/old-1.0.0.crate"] = [0];
        var targetDb = Database(Version("a", "1.0.0", CrateA));
        var restorer = new BackupRestorer(new BackupVerifier(targetDb), targetDb, targetDb, target, NullLogger<BackupRestorer>.Instance);

        var ex = await Assert.ThrowsAsync<BackupException>(() => restorer.RestoreAsync(backup, force: false, Ct));
        Assert.Contains("not empty", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["crates/old/old-1.0.0.crate"], target.Blobs.Keys);
        Assert.Equal(0, targetDb.Installs);

        targetDb.BlobsAtInstall = () => target.Blobs.Count;
        var report = await restorer.RestoreAsync(backup, force: true, Ct);
        Assert.Equal(1, report.BlobsRestored);
        Assert.Equal(CrateA, target.Blobs["crates/a/a-1.0.0.crate"]);
        Assert.Equal(1, targetDb.Installs);
        Assert.Equal(2, targetDb.BlobCountSeenAtInstall); // every blob was in place before the database appeared
    }

    /// <summary>The database ports: a snapshot file with fixed contents; installs are counted.</summary>
    private sealed class FakeDatabase(SnapshotContents contents) : IDatabaseBackup, IBackupSnapshotReader, IDatabase
    {
        public int Installs { get; private set; }
        public Func<int>? BlobsAtInstall { get; set; }
        public int BlobCountSeenAtInstall { get; private set; }

        public async Task<DatabaseSnapshot> SnapshotAsync(string folder, CancellationToken cancellationToken)
        {
            var file = Path.Combine(folder, "snapshot");
            await File.WriteAllBytesAsync(file, [42, 42], cancellationToken);
            return new DatabaseSnapshot("sqlite", file);
        }

        public Task<string?> DescribeExistingAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task InstallAsync(DatabaseSnapshot snapshot, bool replace, CancellationToken cancellationToken)
        {
            Installs++;
            BlobCountSeenAtInstall = BlobsAtInstall?.Invoke() ?? 0;
            return Task.CompletedTask;
        }

        public Task<SnapshotContents> ReadAsync(DatabaseSnapshot snapshot, CancellationToken cancellationToken) => Task.FromResult(contents);

        public Task<int> MigrateAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken) => Task.FromResult(new SchemaStatus(2, 2));

        public Task CheckHealthAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Backups in memory; each backup records the order its files were written in.</summary>
    private sealed class MemoryRunLog : IBackupRunLog
    {
        public List<BackupRun> Runs { get; } = [];

        public Task RecordAsync(BackupRun run, CancellationToken cancellationToken)
        {
            Runs.Add(run);
            return Task.CompletedTask;
        }

        public Task<BackupRunSummary> GetSummaryAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<BackupRun>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<BackupRun>>([.. Runs.AsEnumerable().Reverse().Take(limit)]);
    }

    private sealed class MemoryLocation : IBackupLocation
    {
        public string Describe => "memory";

        public Dictionary<string, MemoryBackup> Backups { get; } = [];

        public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([.. Backups.Keys]);

        public Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken)
        {
            var backup = new MemoryBackup(id);
            Backups.Add(id, backup);
            return Task.FromResult<IBackupWriter>(backup);
        }

        public IBackupReader Open(string id) => Backups[id];

        public Task DeleteAsync(string id, CancellationToken cancellationToken)
        {
            Backups.Remove(id);
            return Task.CompletedTask;
        }
    }

    private sealed class MemoryBackup(string id) : IBackupWriter, IBackupReader
    {
        private readonly DirectoryInfo _staging = Directory.CreateTempSubdirectory("ghostcrate-backup-staging-");
        public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);
        public List<string> Writes { get; } = [];
        public string StagingFolder => _staging.FullName;
        public string Id => id;
        public string Describe => $"memory:{id}";

        public async Task<FileFacts> AddAsync(string path, Stream content, CancellationToken cancellationToken)
        {
            using var copy = new MemoryStream();
            var facts = await FileFacts.CopyAsync(content, copy, cancellationToken);
            Files[path] = copy.ToArray();
            Writes.Add(path);
            return facts;
        }

        public async Task<FileFacts> AdoptAsync(string path, string localFile, CancellationToken cancellationToken)
        {
            await using var file = File.OpenRead(localFile);
            return await AddAsync(path, file, cancellationToken);
        }

        public Task CommitAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
        {
            Files[BackupManifest.FileName] = manifest.ToArray();
            Writes.Add(BackupManifest.FileName);
            return Task.CompletedTask;
        }

        public Task<byte[]?> ReadManifestAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Files.TryGetValue(BackupManifest.FileName, out var m) ? m : null);

        public IAsyncEnumerable<string> ListFilesAsync(CancellationToken cancellationToken) =>
            Files.Keys.Where(k => k != BackupManifest.FileName).ToList().ToAsyncEnumerable();

        public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken) =>
            Task.FromResult<Stream?>(Files.TryGetValue(path, out var b) ? new MemoryStream(b) : null);

        public ValueTask DisposeAsync()
        {
            _staging.Delete(recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
