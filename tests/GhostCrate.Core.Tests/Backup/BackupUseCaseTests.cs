using System.Collections.Concurrent;
using System.Security.Cryptography;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Backup.Encryption;
using GhostCrate.Core.Storage;
using GhostCrate.Core.Tests.Proxy;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>
/// The order and the refusals of create and restore, with in-memory ports (the real SQLite, directory and cargo are in
/// Data.Tests, Storage.Tests and EndToEnd's BackupRestoreTests).
/// </summary>
public sealed partial class BackupUseCaseTests
{
    private static readonly byte[] CrateA = [1, 2, 3];
    private static readonly byte[] CrateB = [4, 5, 6, 7];
    private readonly MemoryBlobStore _blobs = new();
    private readonly MemoryLocation _location = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FakeDatabase Database(params SnapshotVersion[] versions) => new(new SnapshotContents([1, 2], new BackupCounts(2, versions.Length, 1, 0, 1), versions, []));

    private static SnapshotVersion Version(string crate, string version, byte[] bytes) => new(crate, version, Sha(bytes), bytes.Length);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private readonly MemoryRunLog _runs = new();

    private BackupCreator Creator(FakeDatabase db, TimeProvider? time = null) => new(db, db, _blobs, _runs, time ?? TimeProvider.System, NullLogger<BackupCreator>.Instance);

    [Fact]
    public async Task The_manifest_is_written_after_every_file_and_lists_each_with_its_hash()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["crates/b/b-0.1.0.crate"] = CrateB;
        _blobs.Blobs["crates/c/c-9.0.0.crate"] = [9]; // published after the snapshot: no row, so not copied
        var manifest = await Creator(Database(Version("a", "1.0.0", CrateA), Version("B", "0.1.0", CrateB))).CreateAsync(_location, "test", Ct);

        var backup = Assert.Single(_location.Backups.Values);
        // The manifest last; the database (checked and stored while the blobs are copied) and the blobs before it, in any order.
        Assert.Equal(BackupManifest.FileName, backup.Writes[^1]);
        Assert.Equal(["blobs/crates/a/a-1.0.0.crate", "blobs/crates/b/b-0.1.0.crate", "database/ghostcrate.sqlite"], backup.Writes.SkipLast(1).Order(StringComparer.Ordinal));
        Assert.Equal([new BackupBlobEntry("crates/a/a-1.0.0.crate", 3, Sha(CrateA)), new BackupBlobEntry("crates/b/b-0.1.0.crate", 4, Sha(CrateB))], manifest.Blobs);
        Assert.Equal(manifest.Id, BackupManifest.Parse(backup.Files[BackupManifest.FileName]).Id);
        var run = Assert.Single(_runs.Runs);
        Assert.True(run.Succeeded);
        Assert.Equal((manifest.Id, "memory", 7 + manifest.Database.Size), (run.BackupId, run.Target, run.Bytes));
    }

    [Fact]
    public async Task A_database_copy_that_fails_its_integrity_check_fails_the_backup_without_a_manifest()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        db.IntegrityFailure = "the database snapshot failed PRAGMA integrity_check: Page 7: btreeInitPage() returns error code 11";
        var ex = await Assert.ThrowsAsync<BackupException>(() => Creator(db).CreateAsync(_location, "test", Ct));
        Assert.Equal(db.IntegrityFailure, ex.Message);
        Assert.DoesNotContain(BackupManifest.FileName, Assert.Single(_location.Backups.Values).Files.Keys);
        Assert.False(Assert.Single(_runs.Runs).Succeeded);
    }

    [Fact]
    public async Task Create_runs_the_quick_check_on_its_snapshot_and_only_verify_deep_runs_the_full_one()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        var manifest = await Creator(db).CreateAsync(_location, "test", Ct);
        Assert.Equal([SnapshotCheck.Quick], db.Checks);

        var backup = _location.Backups[manifest.Id];
        var verifier = new BackupVerifier(db);
        db.Checks.Clear();
        Assert.True((await verifier.VerifyAsync(backup, deep: false, Ct)).Ok);
        Assert.Empty(db.Checks);
        Assert.True((await verifier.VerifyAsync(backup, deep: true, Ct)).Ok);
        Assert.Equal([SnapshotCheck.Full], db.Checks);

        // An index that disagrees with its table (what only the full check sees) fails verify --deep, naming the database.
        db.IntegrityFailure = "the database snapshot failed PRAGMA integrity_check: row 1 missing from index idx";
        var problem = Assert.Single((await verifier.VerifyAsync(backup, deep: true, Ct)).Problems);
        Assert.Equal(("database/ghostcrate.sqlite", db.IntegrityFailure), (problem.Path, problem.Message));

        // A restore verifies deep but does not run the full check (create checked the snapshot it hashed).
        db.IntegrityFailure = null;
        db.Checks.Clear();
        var target = new MemoryBlobStore();
        await new BackupRestorer(verifier, db, db, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct);
        Assert.Empty(db.Checks);
    }

    [Fact]
    public async Task A_deep_verification_reads_the_database_rows_while_the_blobs_are_still_being_measured()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["crates/b/b-0.1.0.crate"] = CrateB;
        var db = Database(Version("a", "1.0.0", CrateA), Version("b", "0.1.0", CrateB));
        var manifest = await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = _location.Backups[manifest.Id];

        // Each blob's read waits until the rows are being read. A deadline, not a timing assertion: a verification that
        // read the rows only after the last blob would wait here until it passed.
        db.ReadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backup.BeforeOpen = path => path.StartsWith("blobs/", StringComparison.Ordinal) ? db.ReadStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct) : Task.CompletedTask;
        Assert.True((await new BackupVerifier(db).VerifyAsync(backup, deep: true, Ct)).Ok);

        // Nor does the database wait for the listing to reach it (an S3 listing puts database/ last).
        db.ReadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backup.BeforeOpen = null;
        backup.BeforeList = () => db.ReadStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True((await new BackupVerifier(db).VerifyAsync(backup, deep: true, Ct)).Ok);
        backup.BeforeList = null;

        // A database copy that does not measure as listed is never opened: its rows are not read at all.
        db.ReadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backup.BeforeOpen = null;
        backup.Files["database/ghostcrate.sqlite"] = [42, 43];
        var damaged = await new BackupVerifier(db).VerifyAsync(backup, deep: true, Ct);
        Assert.Equal("database/ghostcrate.sqlite", Assert.Single(damaged.Problems).Path);
        Assert.False(db.ReadStarted.Task.IsCompleted);
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
    public async Task The_files_of_each_current_docs_generation_are_backed_up_and_restored_and_nothing_else_under_docs()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["docs/a/1.0.0/g2/a/index.html"] = [10];
        _blobs.Blobs["docs/a/1.0.0/g2/static.files/main.js"] = [11, 12];
        _blobs.Blobs["docs/a/1.0.0/g1/a/index.html"] = [13];            // a replaced generation, not yet deleted
        _blobs.Blobs["proxy/crates-io/x/x-1.0.0.crate"] = [14];         // the proxy cache: fetched again on demand
        var docs = new SnapshotDocs("A", "1.0.0", "g2", Files: 2, Bytes: 3);
        var db = new FakeDatabase(new SnapshotContents([1, 2], new BackupCounts(1, 1, 1, 0, 1), [Version("a", "1.0.0", CrateA)], [docs]));

        var manifest = await Creator(db).CreateAsync(_location, "test", Ct);

        Assert.Equal(["crates/a/a-1.0.0.crate", "docs/a/1.0.0/g2/a/index.html", "docs/a/1.0.0/g2/static.files/main.js"], manifest.Blobs.Select(b => b.Key));
        Assert.Equal(new BackupBlobEntry("docs/a/1.0.0/g2/static.files/main.js", 2, Sha([11, 12])), manifest.Blobs[^1]);
        var backup = Assert.Single(_location.Backups.Values);
        Assert.Empty(ManifestCheck.Contents(manifest, await db.ReadAsync(new DatabaseSnapshot("sqlite", "x"), Ct)));

        var target = new MemoryBlobStore();
        var report = await new BackupRestorer(new BackupVerifier(db), db, db, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct);
        Assert.Equal(3, report.BlobsRestored);
        Assert.Equal([11, 12], target.Blobs["docs/a/1.0.0/g2/static.files/main.js"]);
        Assert.Equal(["crates/a/a-1.0.0.crate", "docs/a/1.0.0/g2/a/index.html", "docs/a/1.0.0/g2/static.files/main.js"], target.Blobs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_proxy_cache_is_backed_up_only_when_asked_recorded_in_the_manifest_verified_and_restored()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["proxy/crates-io/x/x-1.0.0.crate"] = [14, 15];
        _blobs.Blobs["proxy/crates-io/y/y-2.0.0.crate"] = [16];
        var db = Database(Version("a", "1.0.0", CrateA));

        var without = await Creator(db).CreateAsync(_location, "test", Ct);
        Assert.Null(without.Includes);
        Assert.False(without.Has(BackupManifest.ProxyCache));
        Assert.Equal(["crates/a/a-1.0.0.crate"], without.Blobs.Select(b => b.Key));

        var with = await Creator(db).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: false, IncludeProxyCache: true), Ct);
        Assert.True(with.Has(BackupManifest.ProxyCache));
        Assert.Equal(["crates/a/a-1.0.0.crate", "proxy/crates-io/x/x-1.0.0.crate", "proxy/crates-io/y/y-2.0.0.crate"], with.Blobs.Select(b => b.Key));
        Assert.Equal(new BackupBlobEntry("proxy/crates-io/x/x-1.0.0.crate", 2, Sha([14, 15])), with.Blobs[1]);
        Assert.True(with.Blobs[1].IsProxyCache);
        var backup = _location.Backups[with.Id];
        Assert.True(BackupManifest.Parse(backup.Files[BackupManifest.FileName]).Has(BackupManifest.ProxyCache));

        // A flipped byte in a cached file fails verify, naming it; the intact backup restores the cache.
        var verifier = new BackupVerifier(db);
        Assert.True((await verifier.VerifyAsync(backup, deep: true, Ct)).Ok);
        var good = backup.Files["blobs/proxy/crates-io/x/x-1.0.0.crate"];
        backup.Files["blobs/proxy/crates-io/x/x-1.0.0.crate"] = [14, 99];
        var damaged = await verifier.VerifyAsync(backup, deep: true, Ct);
        Assert.Equal("blobs/proxy/crates-io/x/x-1.0.0.crate", Assert.Single(damaged.Problems).Path);
        backup.Files["blobs/proxy/crates-io/x/x-1.0.0.crate"] = good;

        var target = new MemoryBlobStore();
        var report = await new BackupRestorer(verifier, db, db, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct);
        Assert.Equal(3, report.BlobsRestored);
        Assert.Equal([14, 15], target.Blobs["proxy/crates-io/x/x-1.0.0.crate"]);
        Assert.Equal([16], target.Blobs["proxy/crates-io/y/y-2.0.0.crate"]);
    }

    [Fact]
    public async Task A_docs_generation_with_files_missing_from_storage_fails_the_backup_without_a_manifest()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["docs/a/1.0.0/g2/a/index.html"] = [10];
        var docs = new SnapshotDocs("a", "1.0.0", "g2", Files: 2, Bytes: 3);
        var db = new FakeDatabase(new SnapshotContents([1, 2], new BackupCounts(1, 1, 1, 0, 1), [Version("a", "1.0.0", CrateA)], [docs]));

        var ex = await Assert.ThrowsAsync<BackupException>(() => Creator(db).CreateAsync(_location, "test", Ct));
        Assert.Contains("docs/a/1.0.0/g2/", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BackupManifest.FileName, Assert.Single(_location.Backups.Values).Files.Keys);
    }

    [Fact]
    public async Task An_encrypted_backup_holds_no_plaintext_verifies_and_restores_only_with_its_key()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        var keyFile = WriteKeyFile(RandomNumberGenerator.GetBytes(32));
        var keys = BackupKeySource.FromKeyFile(keyFile);
        var manifest = await Creator(db).CreateAsync(_location, "test", new BackupCreateOptions(keys, Incremental: false), Ct);

        var backup = Assert.Single(_location.Backups.Values);
        Assert.Equal(2, manifest.FormatVersion);
        Assert.Equal(BackupEncryption.KeyFile, manifest.Encryption!.Key);
        // Sizes and hashes are the plaintext's (the index cksum), the stored bytes are not the plaintext.
        Assert.Equal(new BackupBlobEntry("crates/a/a-1.0.0.crate", 3, Sha(CrateA)), Assert.Single(manifest.Blobs));
        Assert.Equal(ChunkedAead.EncryptedSize(3), backup.Files["blobs/crates/a/a-1.0.0.crate"].Length);
        Assert.Equal(ChunkedAead.EncryptedSize(2), backup.Files["database/ghostcrate.sqlite"].Length);

        var verifier = new BackupVerifier(db);
        Assert.True((await verifier.VerifyAsync(backup, deep: true, keys, Ct)).Ok);
        var noKey = await verifier.VerifyAsync(backup, deep: false, Ct);
        Assert.Contains("encrypted", Assert.Single(noKey.Problems).Message, StringComparison.Ordinal);
        var wrongKey = await verifier.VerifyAsync(backup, deep: false, BackupKeySource.FromKeyFile(WriteKeyFile(RandomNumberGenerator.GetBytes(32))), Ct);
        Assert.Equal(BackupManifest.FileName, Assert.Single(wrongKey.Problems).Path);
        Assert.Contains("is not the key", wrongKey.Problems[0].Message, StringComparison.Ordinal);

        // A restore with the wrong key touches nothing; with the right one the plaintext comes back.
        var target = new MemoryBlobStore();
        var restorer = new BackupRestorer(verifier, db, db, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance);
        await Assert.ThrowsAsync<BackupException>(() => restorer.RestoreAsync(backup, force: false, BackupKeySource.FromKeyFile(WriteKeyFile(RandomNumberGenerator.GetBytes(32))), Ct));
        Assert.Empty(target.Blobs);
        Assert.Equal(0, db.Installs);
        await restorer.RestoreAsync(backup, force: false, keys, Ct);
        Assert.Equal(CrateA, target.Blobs["crates/a/a-1.0.0.crate"]);
    }

    [Fact]
    public async Task A_flipped_byte_in_an_encrypted_blob_or_a_changed_manifest_fails_verify_naming_the_file()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        var keys = BackupKeySource.FromKeyFile(WriteKeyFile(RandomNumberGenerator.GetBytes(32)));
        await Creator(db).CreateAsync(_location, "test", new BackupCreateOptions(keys, Incremental: false), Ct);
        var backup = Assert.Single(_location.Backups.Values);
        var verifier = new BackupVerifier(db);

        var stored = backup.Files["blobs/crates/a/a-1.0.0.crate"];
        stored[^3] ^= 1;
        var problem = Assert.Single((await verifier.VerifyAsync(backup, deep: true, keys, Ct)).Problems);
        Assert.Equal("blobs/crates/a/a-1.0.0.crate", problem.Path);
        Assert.Contains("does not decrypt", problem.Message, StringComparison.Ordinal);
        stored[^3] ^= 1;

        // The manifest is readable JSON, but a changed size (or hash, or reference) breaks its MAC.
        var manifest = backup.Files[BackupManifest.FileName];
        backup.Files[BackupManifest.FileName] = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(manifest).Replace("\"size\": 3", "\"size\": 4", StringComparison.Ordinal));
        problem = Assert.Single((await verifier.VerifyAsync(backup, deep: true, keys, Ct)).Problems);
        Assert.Equal(BackupManifest.FileName, problem.Path);
        Assert.Contains("MAC", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passphrase_backup_reuses_the_salt_of_the_previous_one_so_the_next_can_be_incremental()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        var keys = BackupKeySource.FromPassphrase("correct horse battery staple", "a test");
        var time = new ManualTime(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        var first = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(keys, Incremental: true), Ct);
        time.Now = time.Now.AddDays(1);
        var second = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(keys, Incremental: true), Ct);

        Assert.Equal(first.Encryption!.Salt, second.Encryption!.Salt);
        Assert.Equal(BackupKeySource.PassphraseIterations, second.Encryption.Iterations);
        Assert.Equal(first.Id, Assert.Single(second.Blobs).StoredIn);
        Assert.True((await new BackupVerifier(db).VerifyAsync(_location.Backups[second.Id], deep: true, keys, Ct)).Ok);
        var wrong = await new BackupVerifier(db).VerifyAsync(_location.Backups[second.Id], deep: false, BackupKeySource.FromPassphrase("correct horse battery stapler", "a test"), Ct);
        Assert.Contains("is not the key", Assert.Single(wrong.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_incremental_backup_references_unchanged_blobs_and_still_restores_after_its_base_is_pruned()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db1 = Database(Version("a", "1.0.0", CrateA));
        var time = new ManualTime(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));
        var full = await Creator(db1, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
        Assert.Null(Assert.Single(full.Blobs).StoredIn);

        _blobs.Blobs["crates/b/b-0.1.0.crate"] = CrateB;
        var db2 = Database(Version("a", "1.0.0", CrateA), Version("b", "0.1.0", CrateB));
        time.Now = time.Now.AddDays(1);
        var incremental = await Creator(db2, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
        Assert.Equal([full.Id, null], incremental.Blobs.Select(b => b.StoredIn));
        Assert.Equal(2, incremental.FormatVersion);
        var written = _location.Backups[incremental.Id].Files;
        Assert.DoesNotContain("blobs/crates/a/a-1.0.0.crate", written.Keys);
        Assert.Contains("blobs/crates/b/b-0.1.0.crate", written.Keys);

        // A third one references the first for a and the second for b (references never chain).
        time.Now = time.Now.AddDays(1);
        var third = await Creator(db2, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
        Assert.Equal([full.Id, incremental.Id], third.Blobs.Select(b => b.StoredIn));

        // Prune to the newest: the base's manifest and database go, the blobs the kept backup references stay.
        var report = await BackupPruner.PruneAsync(_location, new BackupRetention(Last: 1), dryRun: false, Ct);
        Assert.Equal([third.Id], report.Kept);
        Assert.Equal([full.Id, incremental.Id], report.Retained);
        Assert.Equal(["blobs/crates/a/a-1.0.0.crate"], _location.Backups[full.Id].Files.Keys);
        Assert.Equal(["blobs/crates/b/b-0.1.0.crate"], _location.Backups[incremental.Id].Files.Keys);
        var listed = await BackupCatalog.ListAsync(_location, Ct);
        Assert.StartsWith("pruned: keeps 1 file(s)", listed.Single(l => l.Id == full.Id).Problem, StringComparison.Ordinal);

        var target = new MemoryBlobStore();
        var restorer = new BackupRestorer(new BackupVerifier(db2), db2, db2, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance);
        var restored = await restorer.RestoreAsync(_location.Backups[third.Id], force: false, Ct);
        Assert.Equal(2, restored.BlobsRestored);
        Assert.Equal(CrateA, target.Blobs["crates/a/a-1.0.0.crate"]);
        Assert.Equal(CrateB, target.Blobs["crates/b/b-0.1.0.crate"]);

        // A referenced blob that goes missing is named, with the backup that should hold it.
        _location.Backups[full.Id].Files.Clear();
        var problem = Assert.Single((await new BackupVerifier(db2).VerifyAsync(_location.Backups[third.Id], deep: false, Ct)).Problems);
        Assert.Equal($"../{full.Id}/blobs/crates/a/a-1.0.0.crate", problem.Path);
    }

    private static string WriteKeyFile(byte[] key)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ghostcrate-key-").FullName, "backup.key");
        File.WriteAllText(path, Convert.ToHexStringLower(key) + "\n");
        return path;
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
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

        var restorer = new BackupRestorer(new BackupVerifier(targetDb), targetDb, targetDb, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance);
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
        var restorer = new BackupRestorer(new BackupVerifier(targetDb), targetDb, targetDb, target, new DurablePutsBatchStore(target), NullLogger<BackupRestorer>.Instance);

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

    [Fact]
    public async Task Prune_next_to_a_running_backup_leaves_its_files_and_its_base_alone_while_its_marker_is_renewed()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
        var time = new ManualTime(t0.AddDays(-2));
        var crateC = new byte[] { 8, 9 };
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var incremental = new BackupCreateOptions(null, Incremental: true);
        var baseBackup = await Creator(Database(Version("a", "1.0.0", CrateA)), time).CreateAsync(_location, "test", incremental, Ct);

        // Backup A (the scheduled one) stops inside b's crate file, then inside the cached crate c (the proxy cache is
        // copied after every crate file, so A reaches c only once b is done); meanwhile "back up now" makes B.
        _blobs.Blobs["crates/b/b-0.1.0.crate"] = CrateB;
        _blobs.Blobs["proxy/crates-io/c/c-0.1.0.crate"] = crateC;
        var gated = new GatedBlobStore(_blobs, "crates/b/b-0.1.0.crate", "proxy/crates-io/c/c-0.1.0.crate");
        time.Now = t0;
        var db = Database(Version("a", "1.0.0", CrateA), Version("b", "0.1.0", CrateB));
        var running = new BackupCreator(db, db, gated, _runs, time, NullLogger<BackupCreator>.Instance)
            .CreateAsync(_location, "test", incremental with { IncludeProxyCache = true }, Ct);
        await gated.Reached("crates/b/b-0.1.0.crate").WaitAsync(Ct);
        var a = Assert.Single(_location.Backups.Keys, k => k != baseBackup.Id);
        // A's database file is stored while its blobs are copied, so it may land after the gate was reached: wait for it,
        // or the check below that prune left it alone would prove nothing.
        await Eventually.TrueAsync(() => _location.Backups[a].Files.ContainsKey("database/ghostcrate.sqlite"), "backup A never stored its database file", cancellationToken: Ct);
        time.Now = t0.AddMinutes(1);
        var b = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: false), Ct); // reads storage ungated

        // Keep 1 keeps B by rule; A is older than B but running, and its blobs are referenced in the base: both stay.
        time.Now = t0.AddMinutes(5);
        var report = await BackupPruner.PruneAsync(_location, new BackupRetention(Last: 1), dryRun: false, time, Ct);
        Assert.Equal([a], report.Running);
        Assert.Equal([b.Id, baseBackup.Id], report.Kept);
        Assert.Empty(report.Deleted);
        Assert.Contains("database/ghostcrate.sqlite", _location.Backups[a].Files.Keys);
        Assert.Contains("blobs/crates/a/a-1.0.0.crate", _location.Backups[baseBackup.Id].Files.Keys);

        // Ten minutes on, A copies b and renews its marker on the way, then stops again inside c.
        time.Now = t0.AddMinutes(10);
        gated.Release("crates/b/b-0.1.0.crate");
        await gated.Reached("proxy/crates-io/c/c-0.1.0.crate").WaitAsync(Ct);
        Assert.Equal(t0.AddMinutes(10), RunningMarker.TryParse(_location.Backups[a].Files[RunningMarker.FileName])!.RenewedAt);
        time.Now = t0.AddMinutes(20); // 20 minutes after A started: only the renewal keeps it live
        report = await BackupPruner.PruneAsync(_location, new BackupRetention(Last: 1), dryRun: false, time, Ct);
        Assert.Equal([a], report.Running);
        Assert.Empty(report.Deleted);

        gated.Release("proxy/crates-io/c/c-0.1.0.crate");
        var finished = await running;
        Assert.Equal(a, finished.Id);
        Assert.Equal(baseBackup.Id, finished.Blobs.Single(x => x.Key == "crates/a/a-1.0.0.crate").StoredIn);
        Assert.DoesNotContain(RunningMarker.FileName, _location.Backups[a].Files.Keys);
        var verified = await new BackupVerifier(db).VerifyAsync(_location.Backups[a], deep: true, Ct);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
    }

    [Fact]
    public async Task Prune_deletes_an_abandoned_backup_once_its_marker_is_stale_and_a_failed_one_at_once()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
        var time = new ManualTime(t0);
        // A backup killed midway: its marker stays as it was last renewed.
        var killed = (MemoryBackup)await _location.CreateAsync("20261206T025000Z", Ct);
        await killed.AddAsync("database/ghostcrate.sqlite", new MemoryStream([1]), Ct);
        await killed.WriteRunningMarkerAsync(new RunningMarker(t0.AddMinutes(-10), null).ToJson(), Ct);
        // A backup that failed (a crate file missing from storage): it removes its own marker.
        await Assert.ThrowsAsync<BackupException>(() => Creator(Database(Version("z", "1.0.0", CrateA)), new ManualTime(t0.AddMinutes(-5))).CreateAsync(_location, "test", Ct));
        var failed = Assert.Single(_location.Backups.Keys, k => k != killed.Id);
        Assert.DoesNotContain(RunningMarker.FileName, _location.Backups[failed].Files.Keys);
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var complete = await Creator(Database(Version("a", "1.0.0", CrateA)), time).CreateAsync(_location, "test", Ct);

        var report = await BackupPruner.PruneAsync(_location, new BackupRetention(Last: 1), dryRun: false, time, Ct);
        Assert.Equal([failed], report.Deleted);
        Assert.Equal([killed.Id], report.Running);
        Assert.Contains("incomplete: no manifest; its backup create was last seen running at 2026-12-06 02:50:00Z",
            (await BackupCatalog.ListAsync(_location, Ct)).Single(l => l.Id == killed.Id).Problem, StringComparison.Ordinal);

        time.Now = t0.AddMinutes(6); // 16 minutes without a renewal
        report = await BackupPruner.PruneAsync(_location, new BackupRetention(Last: 1), dryRun: false, time, Ct);
        Assert.Equal([killed.Id], report.Deleted);
        Assert.Equal([complete.Id], _location.Backups.Keys);
    }

    [Fact]
    public async Task A_restore_copies_blobs_several_at_a_time_and_makes_them_durable_once_before_the_database()
    {
        var versions = ManyVersions(3 * BackupRestorer.CopyParallelism);
        var db = Database(versions);
        await Creator(db).CreateAsync(_location, "test", Ct);
        var backup = Assert.Single(_location.Backups.Values);

        var target = new MemoryBlobStore();
        var batches = new RecordingBatchStore(target, () => db.Installs);
        var report = await new BackupRestorer(new BackupVerifier(db), db, db, target, batches, NullLogger<BackupRestorer>.Instance).RestoreAsync(backup, force: false, Ct);

        Assert.Equal(versions.Length, report.BlobsRestored);
        Assert.Equal(BackupRestorer.CopyParallelism, batches.MostInFlight); // the gate opened only once 8 puts were in flight, and never more
        Assert.Equal([versions.Length], batches.PutsSeenAtFlush);       // one flush, after every put
        Assert.Equal([0], batches.InstallsSeenAtFlush);                   // and before the database went in
        Assert.Equal(1, db.Installs);
        Assert.Equal(versions.Length, target.Blobs.Count);
    }

    [Fact]
    public async Task A_restore_whose_final_flush_fails_installs_no_database()
    {
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        var db = Database(Version("a", "1.0.0", CrateA));
        await Creator(db).CreateAsync(_location, "test", Ct);
        var target = new MemoryBlobStore();
        var batches = new RecordingBatchStore(target, () => db.Installs, gateAt: 1) { FlushError = new IOException("disk full") };

        var ex = await Assert.ThrowsAsync<IOException>(() => new BackupRestorer(new BackupVerifier(db), db, db, target, batches, NullLogger<BackupRestorer>.Instance)
            .RestoreAsync(Assert.Single(_location.Backups.Values), force: false, Ct));
        Assert.Equal("disk full", ex.Message);
        Assert.Equal(0, db.Installs);
    }

    [Fact]
    public async Task A_backup_copies_blobs_several_at_a_time_and_lists_them_in_order_in_the_manifest_written_last()
    {
        var versions = ManyVersions(3 * BackupRestorer.CopyParallelism);
        var db = Database(versions);
        var reads = new OverlapBlobStore(_blobs, BackupRestorer.CopyParallelism);

        var manifest = await new BackupCreator(db, db, reads, _runs, TimeProvider.System, NullLogger<BackupCreator>.Instance).CreateAsync(_location, "test", Ct);

        Assert.Equal(BackupRestorer.CopyParallelism, reads.MostInFlight); // the gate opened only once 8 reads waited together, and never more
        Assert.Equal(versions.Select(v => v.BlobKey), manifest.Blobs.Select(b => b.Key));
        var backup = _location.Backups[manifest.Id];
        Assert.Equal(BackupManifest.FileName, backup.Writes[^1]);
        Assert.Equal(versions.Length + 2, backup.Writes.Count);
        var verified = await new BackupVerifier(db).VerifyAsync(backup, deep: true, Ct);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
    }

    [Fact]
    public async Task A_failed_copy_among_many_in_flight_leaves_no_manifest_and_the_next_backup_completes()
    {
        var versions = ManyVersions(3 * BackupRestorer.CopyParallelism);
        var broken = versions[BackupRestorer.CopyParallelism + 3];
        var good = _blobs.Blobs[broken.BlobKey];
        _blobs.Blobs[broken.BlobKey] = [.. good, 0]; // one stored file no longer matches its checksum
        var db = Database(versions);
        var time = new ManualTime(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<BackupException>(() => Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct));
        Assert.Contains(broken.BlobKey, ex.Message, StringComparison.Ordinal);
        var failed = Assert.Single(_location.Backups.Values);
        Assert.DoesNotContain(BackupManifest.FileName, failed.Files.Keys);
        Assert.DoesNotContain(RunningMarker.FileName, failed.Files.Keys);
        Assert.False(Assert.Single(_runs.Runs).Succeeded);

        _blobs.Blobs[broken.BlobKey] = good;
        time.Now = time.Now.AddMinutes(1);
        var manifest = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
        Assert.All(manifest.Blobs, b => Assert.Null(b.StoredIn)); // nothing to reference: the failed backup is not complete
        Assert.True((await new BackupVerifier(db).VerifyAsync(_location.Backups[manifest.Id], deep: true, Ct)).Ok);
        Assert.Equal([false, true], _runs.Runs.Select(r => r.Succeeded));
    }

    [Fact]
    public async Task Each_run_records_whether_it_was_incremental_and_how_many_blobs_it_reused()
    {
        var versions = ManyVersions(3);
        var time = new ManualTime(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
        var first = await Creator(Database(versions[..2]), time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
        time.Now = time.Now.AddDays(1);
        await Creator(Database(versions), time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: true), Ct);
        time.Now = time.Now.AddDays(1);
        await Creator(Database(versions), time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: false), Ct);

        Assert.Equal([(null, 2, 0), (first.Id, 3, 2), (null, 3, 0)], _runs.Runs.Select(r => (r.BaseId, r.Blobs, r.ReusedBlobs)));
        Assert.Equal([false, true, false], _runs.Runs.Select(r => r.Incremental));
    }

    [Fact]
    public async Task A_prune_that_listed_the_target_before_a_backup_named_its_base_keeps_the_base_files_that_backup_references()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
        var time = new ManualTime(t0.AddDays(-1));
        _blobs.Blobs["crates/a/a-1.0.0.crate"] = CrateA;
        _blobs.Blobs["crates/b/b-0.1.0.crate"] = CrateB;
        var incremental = new BackupCreateOptions(null, Incremental: true);
        var first = await Creator(Database(Version("a", "1.0.0", CrateA)), time).CreateAsync(_location, "test", incremental, Ct);
        var db = Database(Version("a", "1.0.0", CrateA), Version("b", "0.1.0", CrateB));

        // X (the scheduled backup) lists the target, takes `first` as its base, and is held before it writes anything.
        var xHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var xGo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _location.BeforeCreate = async _ =>
        {
            _location.BeforeCreate = null;
            xHeld.TrySetResult();
            await xGo.Task.WaitAsync(Ct);
        };
        time.Now = t0;
        var gated = new GatedBlobStore(_blobs, "crates/b/b-0.1.0.crate");
        var x = new BackupCreator(db, db, gated, _runs, time, NullLogger<BackupCreator>.Instance).CreateAsync(_location, "test", incremental, Ct);
        await xHeld.Task.WaitAsync(Ct);

        // Meanwhile a full backup ("back up now" with --full) completes and is the newest; then a prune keeping one
        // lists the target (X has no folder yet) and is held before it deletes anything.
        time.Now = t0.AddMinutes(1);
        var full = await Creator(db, time).CreateAsync(_location, "test", new BackupCreateOptions(null, Incremental: false), Ct);
        time.Now = t0.AddMinutes(2);
        var pruneHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pruneGo = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _location.BeforeDelete = async _ =>
        {
            _location.BeforeDelete = null;
            pruneHeld.TrySetResult();
            await pruneGo.Task.WaitAsync(Ct);
        };
        var prune = BackupPruner.PruneAsync(_location, new BackupRetention(Last: 1), dryRun: false, time, Ct);
        await pruneHeld.Task.WaitAsync(Ct);

        // X goes on: its marker names `first`, whose manifest is still there, so it references a and stops inside b.
        xGo.TrySetResult();
        await gated.Reached("crates/b/b-0.1.0.crate").WaitAsync(Ct);
        var xId = Assert.Single(_location.Backups.Keys, k => k != first.Id && k != full.Id);

        // The prune goes on: `first` loses its manifest and database but keeps the crate file X references.
        pruneGo.TrySetResult();
        var report = await prune;
        Assert.Equal([full.Id], report.Kept);
        Assert.Equal([first.Id], report.Retained);
        Assert.Empty(report.Deleted);
        Assert.Equal([xId], report.Running);
        Assert.Equal(["blobs/crates/a/a-1.0.0.crate"], _location.Backups[first.Id].Files.Keys);

        gated.Release("crates/b/b-0.1.0.crate");
        var made = await x;
        Assert.Equal(first.Id, made.Blobs.Single(b => b.Key == "crates/a/a-1.0.0.crate").StoredIn);
        var verified = await new BackupVerifier(db).VerifyAsync(_location.Backups[made.Id], deep: true, Ct);
        Assert.True(verified.Ok, string.Join("; ", verified.Problems));
        // From now on X's manifest is what keeps that file, as for any pruned base.
        report = await BackupPruner.PruneAsync(_location, new BackupRetention(Last: 2), dryRun: false, time, Ct);
        Assert.Equal([first.Id], report.Retained);
        Assert.True((await new BackupVerifier(db).VerifyAsync(_location.Backups[made.Id], deep: false, Ct)).Ok);
    }

    /// <summary>Versions c1..cN with distinct crate files in storage.</summary>
    private SnapshotVersion[] ManyVersions(int count) => Enumerable.Range(1, count).Select(n =>
    {
        var bytes = new[] { (byte)n, (byte)(n + 1), (byte)(n * 3) };
        _blobs.Blobs[$"crates/c{n}/c{n}-1.0.0.crate"] = bytes;
        return Version($"c{n}", "1.0.0", bytes);
    }).ToArray();

    /// <summary>
    /// A batch that holds every put until <c>gateAt</c> puts are in flight at once (a restore that copies one blob at a
    /// time never gets there and fails at the deadline), and records what it saw at the flush.
    /// </summary>
    private sealed class RecordingBatchStore(MemoryBlobStore store, Func<int> installs, int gateAt = BackupRestorer.CopyParallelism) : IBlobBatchStore, IBlobBatch
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _puts;
        private int _most;

        public int MostInFlight => Volatile.Read(ref _most);
        public List<int> PutsSeenAtFlush { get; } = [];
        public List<int> InstallsSeenAtFlush { get; } = [];
        public Exception? FlushError { get; init; }

        public IBlobBatch StartBatch() => this;

        /// <summary>Checks first, then copies (as over S3): this store stages nothing.</summary>
        public IStagedBlobBatch? StartStaged() => null;

        public async Task PutAsync(BlobKey key, Stream content, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            for (var most = Volatile.Read(ref _most); now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = Volatile.Read(ref _most))
            {
            }
            if (now >= gateAt) _gate.TrySetResult();
            await _gate.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            await store.PutAsync(key, content, BlobPutMode.Overwrite, cancellationToken);
            Interlocked.Increment(ref _puts);
            Interlocked.Decrement(ref _inFlight);
        }

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            PutsSeenAtFlush.Add(Volatile.Read(ref _puts));
            InstallsSeenAtFlush.Add(installs());
            return FlushError is null ? Task.CompletedTask : Task.FromException(FlushError);
        }
    }

    /// <summary>Forwards every call to a store; a subclass changes how reads behave.</summary>
    private abstract class ForwardingBlobStore(IBlobStore inner) : IBlobStore
    {
        public virtual Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

        public Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken) => inner.PutAsync(key, content, mode, cancellationToken);

        public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

        public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

        public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }

    /// <summary>
    /// Holds every read until <c>gateAt</c> reads are waiting at once (a backup that copies one blob at a time never gets
    /// there and fails at the deadline), and records the most reads that were in flight together.
    /// </summary>
    private sealed class OverlapBlobStore(MemoryBlobStore inner, int gateAt) : ForwardingBlobStore(inner)
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _most;

        public int MostInFlight => Volatile.Read(ref _most);

        public override async Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            for (var most = Volatile.Read(ref _most); now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = Volatile.Read(ref _most))
            {
            }
            try
            {
                if (now >= gateAt) _gate.TrySetResult();
                await _gate.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                return await base.OpenReadAsync(key, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    /// <summary>Blob reads that stop at chosen keys until the test lets them through.</summary>
    private sealed class GatedBlobStore(MemoryBlobStore inner, params string[] gatedKeys) : ForwardingBlobStore(inner)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TaskCompletionSource Reached, TaskCompletionSource Released)> _gates =
            new(gatedKeys.Select(k => KeyValuePair.Create(k, NewGate())));

        private static (TaskCompletionSource, TaskCompletionSource) NewGate() =>
            (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public Task Reached(string key) => _gates[key].Reached.Task;

        public void Release(string key) => _gates[key].Released.TrySetResult();

        public override async Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
        {
            if (_gates.TryGetValue(key.Path, out var gate))
            {
                gate.Reached.TrySetResult();
                await gate.Released.Task.WaitAsync(cancellationToken);
            }
            return await base.OpenReadAsync(key, cancellationToken);
        }
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

        /// <summary>Null: the snapshot is sound; otherwise the check's failure (a damaged copy must fail the backup).</summary>
        public string? IntegrityFailure { get; set; }

        /// <summary>The checks asked for, in order.</summary>
        public ConcurrentQueue<SnapshotCheck> Checks { get; } = new();

        public Task CheckIntegrityAsync(DatabaseSnapshot snapshot, SnapshotCheck check, CancellationToken cancellationToken)
        {
            Checks.Enqueue(check);
            return IntegrityFailure is { } failure ? Task.FromException(new BackupException(failure)) : Task.CompletedTask;
        }

        public Task<string?> DescribeExistingAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task InstallAsync(DatabaseSnapshot snapshot, bool replace, CancellationToken cancellationToken)
        {
            Installs++;
            BlobCountSeenAtInstall = BlobsAtInstall?.Invoke() ?? 0;
            return Task.CompletedTask;
        }

        /// <summary>Completed by the next <see cref="ReadAsync"/> (replace it to watch for a later one).</summary>
        public TaskCompletionSource ReadStarted { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SnapshotContents> ReadAsync(DatabaseSnapshot snapshot, CancellationToken cancellationToken)
        {
            ReadStarted.TrySetResult();
            return Task.FromResult(contents);
        }

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

    /// <summary>Backups in memory, safe for a backup that copies several files at once and a prune running beside it.</summary>
    private sealed class MemoryLocation : IBackupLocation
    {
        public string Describe => "memory";

        public ConcurrentDictionary<string, MemoryBackup> Backups { get; } = new(StringComparer.Ordinal);

        /// <summary>Runs before each <see cref="RemoveManifestAsync"/> and <see cref="DeleteAsync"/> (a test holds a prune there).</summary>
        public Func<string, Task>? BeforeDelete { get; set; }

        /// <summary>Runs before each <see cref="CreateAsync"/> (a test holds a backup create there, after it chose its base).</summary>
        public Func<string, Task>? BeforeCreate { get; set; }

        public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([.. Backups.Keys]);

        public async Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken)
        {
            if (BeforeCreate is { } hook) await hook(id);
            var backup = new MemoryBackup(id, this);
            if (!Backups.TryAdd(id, backup)) throw new BackupException($"{id} exists already");
            return backup;
        }

        public IBackupReader Open(string id) => Backups[id];

        public async Task RemoveManifestAsync(string id, CancellationToken cancellationToken)
        {
            if (BeforeDelete is { } hook) await hook(id);
            Backups[id].Files.TryRemove(BackupManifest.FileName, out _);
        }

        public async Task DeleteAsync(string id, IReadOnlySet<string> keep, CancellationToken cancellationToken)
        {
            if (BeforeDelete is { } hook) await hook(id);
            var backup = Backups[id];
            foreach (var path in backup.Files.Keys.Where(p => !keep.Contains(p)).ToList()) backup.Files.TryRemove(path, out _);
            if (backup.Files.IsEmpty) Backups.TryRemove(id, out _);
        }
    }

    private sealed class MemoryBackup(string id, MemoryLocation location) : IBackupWriter, IBackupReader
    {
        private readonly DirectoryInfo _staging = Directory.CreateTempSubdirectory("ghostcrate-backup-staging-");
        private readonly List<string> _writes = [];
        public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

        /// <summary>The files in the order their writes finished.</summary>
        public IReadOnlyList<string> Writes
        {
            get
            {
                lock (_writes) return [.. _writes];
            }
        }
        public string StagingFolder => _staging.FullName;
        public string Id => id;
        public string Describe => $"memory:{id}";

        public async Task<FileFacts> AddAsync(string path, Stream content, CancellationToken cancellationToken)
        {
            using var copy = new MemoryStream();
            var facts = await FileFacts.CopyAsync(content, copy, cancellationToken);
            Files[path] = copy.ToArray();
            lock (_writes) _writes.Add(path);
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
            lock (_writes) _writes.Add(BackupManifest.FileName);
            return Task.CompletedTask;
        }

        public Task<byte[]?> ReadManifestAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Files.TryGetValue(BackupManifest.FileName, out var m) ? m : null);

        public Task WriteRunningMarkerAsync(ReadOnlyMemory<byte> marker, CancellationToken cancellationToken)
        {
            Files[RunningMarker.FileName] = marker.ToArray();
            return Task.CompletedTask;
        }

        public Task RemoveRunningMarkerAsync(CancellationToken cancellationToken)
        {
            Files.TryRemove(RunningMarker.FileName, out _);
            return Task.CompletedTask;
        }

        public Task<byte[]?> ReadRunningMarkerAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Files.TryGetValue(RunningMarker.FileName, out var m) ? m : null);

        /// <summary>Awaited before the listing yields its first file (null: nothing to wait for).</summary>
        public Func<Task>? BeforeList { get; set; }

        public async IAsyncEnumerable<string> ListFilesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (BeforeList is { } wait) await wait();
            foreach (var path in Files.Keys.Where(k => k is not (BackupManifest.FileName or RunningMarker.FileName)).ToList()) yield return path;
        }

        public IBackupReader OpenSibling(string sibling) => location.Backups.TryGetValue(sibling, out var b) ? b : new MemoryBackup(sibling, location);

        /// <summary>How many times each file was opened for reading.</summary>
        public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        /// <summary>Awaited before each file is opened for reading (null: nothing to wait for).</summary>
        public Func<string, Task>? BeforeOpen { get; set; }

        public async Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken)
        {
            Reads.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (BeforeOpen is { } wait) await wait(path);
            return Files.TryGetValue(path, out var b) ? new MemoryStream(b) : null;
        }

        public ValueTask DisposeAsync()
        {
            _staging.Delete(recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
