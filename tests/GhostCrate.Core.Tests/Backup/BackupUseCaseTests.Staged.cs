using System.Collections.Concurrent;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Storage;
using GhostCrate.Core.Tests.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>A restore into a store that stages (a file-system store): verification and copy in one pass.</summary>
public sealed partial class BackupUseCaseTests
{
    [Fact]
    public async Task A_restore_into_a_store_that_stages_reads_each_file_once_and_puts_the_blobs_in_place_before_the_database()
    {
        var versions = ManyVersions(3 * BackupRestorer.CopyParallelism);
        var db = Database(versions);
        await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = Assert.Single(_location.Backups.Values);
        var target = new MemoryBlobStore();
        var batches = new StagingBatchStore(target, () => db.Installs);

        var report = await new BackupRestorer(new BackupVerifier(db), db, db, target, batches, NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct);

        Assert.Equal(versions.Length, report.BlobsRestored);
        var files = backup.Files.Keys.Where(k => k != BackupManifest.FileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files.Select(f => $"{f} 1"), files.Select(f => $"{f} {backup.Reads.GetValueOrDefault(f)}")); // verified and copied by one read
        Assert.Equal([versions.Length], batches.StagedAtCommit);
        Assert.Equal([0], batches.InstallsSeenAtCommit); // in place before the database went in
        Assert.Equal(1, db.Installs);
        Assert.Equal(versions.Length, target.Blobs.Count);
        foreach (var version in versions) Assert.Equal(_blobs.Blobs[version.BlobKey], target.Blobs[version.BlobKey]);
    }

    [Fact]
    public async Task A_staged_restore_whose_last_blob_is_damaged_moves_nothing_into_place_and_discards_what_it_staged()
    {
        var versions = ManyVersions(3 * BackupRestorer.CopyParallelism);
        var db = Database(versions);
        await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = Assert.Single(_location.Backups.Values);
        var last = BackupPaths.BlobFile(versions[^1].BlobKey);
        backup.Files[last] = [.. backup.Files[last].Select(b => (byte)(b ^ 1))];
        var target = new MemoryBlobStore();
        var batches = new StagingBatchStore(target, () => db.Installs);

        var ex = await Assert.ThrowsAsync<BackupException>(() =>
            new BackupRestorer(new BackupVerifier(db), db, db, target, batches, NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct));

        Assert.Contains($"{last}: sha256 is", ex.Message, StringComparison.Ordinal);
        Assert.Empty(batches.StagedAtCommit);
        Assert.Equal([versions.Length], batches.StagedAtDispose); // every blob had been copied into staging by the pass
        Assert.Empty(target.Blobs);
        Assert.Equal(0, db.Installs);
    }

    [Fact]
    public async Task A_staged_restore_into_a_target_with_blobs_is_refused_before_any_file_is_read_or_staged()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = Assert.Single(_location.Backups.Values);
        var target = new MemoryBlobStore();
        target.Blobs["crates/old/old-1.0.0.crate"] = [0];
        var batches = new StagingBatchStore(target, () => db.Installs);

        var ex = await Assert.ThrowsAsync<BackupException>(() =>
            new BackupRestorer(new BackupVerifier(db), db, db, target, batches, NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct));

        Assert.Contains("not empty", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, batches.Started);
        Assert.Empty(backup.Reads);
        Assert.Equal(["crates/old/old-1.0.0.crate"], target.Blobs.Keys);
    }

    /// <summary>
    /// A store that stages in memory: staged blobs reach the target only at the commit, and what the batch held at its
    /// commit and at its disposal is recorded. Its plain batch writes straight into the target (what a restore that
    /// does not stage uses).
    /// </summary>
    private sealed class StagingBatchStore(MemoryBlobStore target, Func<int> installs) : IBlobBatchStore
    {
        private int _started;

        public MemoryBlobStore Target { get; } = target;
        public Func<int> Installs { get; } = installs;
        public int Started => Volatile.Read(ref _started);
        public List<int> StagedAtCommit { get; } = [];
        public List<int> StagedAtDispose { get; } = [];
        public List<int> InstallsSeenAtCommit { get; } = [];

        public IBlobBatch StartBatch() => new DurablePutsBatchStore(Target).StartBatch();

        public IStagedBlobBatch StartStaged()
        {
            Interlocked.Increment(ref _started);
            return new Staged(this);
        }

        private sealed class Staged(StagingBatchStore store) : IStagedBlobBatch
        {
            private readonly ConcurrentDictionary<string, byte[]> _staged = new(StringComparer.Ordinal);

            public async Task<FileFacts> StageFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken)
            {
                await using var file = File.OpenRead(localFile);
                return await StageAsync(key, file, cancellationToken);
            }

            public async Task<FileFacts> StageAsync(BlobKey key, Stream content, CancellationToken cancellationToken)
            {
                using var copy = new MemoryStream();
                var facts = await FileFacts.CopyAsync(content, copy, cancellationToken);
                Assert.True(_staged.TryAdd(key.Path, copy.ToArray()), $"{key.Path} staged twice");
                return facts;
            }

            public Task CommitAsync(CancellationToken cancellationToken)
            {
                store.StagedAtCommit.Add(_staged.Count);
                store.InstallsSeenAtCommit.Add(store.Installs());
                foreach (var (key, bytes) in _staged) store.Target.Blobs[key] = bytes;
                _staged.Clear();
                return Task.CompletedTask;
            }

            public ValueTask DisposeAsync()
            {
                store.StagedAtDispose.Add(_staged.Count);
                _staged.Clear();
                return ValueTask.CompletedTask;
            }
        }
    }
}
