using System.Text;
using GhostCrate.Core.Backup;
using GhostCrate.Storage.FileSystem.Backup;
using GhostCrate.Storage.S3.Backup;

namespace GhostCrate.Storage.Tests;

/// <summary>
/// What every backup location (a directory, an S3 prefix on s3rver) must do for create, list, verify and prune: a
/// backup without a manifest lists as incomplete, a committed one reads back, delete removes the manifest first, and
/// prune keeps the newest complete backups and any incomplete one that may still be running.
/// </summary>
public abstract class BackupLocationContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract IBackupLocation CreateLocation();

    [Fact]
    public async Task A_backup_lists_as_incomplete_until_its_manifest_is_committed_and_reads_back_after()
    {
        var location = CreateLocation();
        var writer = await location.CreateAsync("20261205T120000Z", Cancel);
        var facts = await writer.AddAsync("blobs/crates/a/a-1.0.0.crate", new MemoryStream(Encoding.UTF8.GetBytes("crate")), Cancel);
        var listed = Assert.Single(await BackupCatalog.ListAsync(location, Cancel));
        Assert.False(listed.Complete);

        await writer.CommitAsync(Manifest("20261205T120000Z", T0).ToJson(), Cancel);
        await writer.DisposeAsync();
        listed = Assert.Single(await BackupCatalog.ListAsync(location, Cancel));
        Assert.True(listed.Complete);
        var reader = location.Open("20261205T120000Z");
        Assert.Equal(["blobs/crates/a/a-1.0.0.crate"], await reader.ListFilesAsync(Cancel).ToListAsync(Cancel));
        await using var stream = await reader.OpenReadAsync("blobs/crates/a/a-1.0.0.crate", Cancel);
        Assert.Equal(facts, await FileFacts.MeasureAsync(stream!, Cancel));
        Assert.Null(await reader.OpenReadAsync("blobs/crates/a/missing.crate", Cancel));
        await Assert.ThrowsAnyAsync<Exception>(() => location.CreateAsync("20261205T120000Z", Cancel));
    }

    [Fact]
    public async Task Prune_keeps_the_newest_complete_backups_and_incomplete_ones_that_may_still_run()
    {
        var location = CreateLocation();
        await AddAsync(location, "20261201T000000Z", complete: false);
        await AddAsync(location, "20261202T000000Z", complete: true);
        await AddAsync(location, "20261203T000000Z", complete: true);
        await AddAsync(location, "20261204T000000Z", complete: false);
        await AddAsync(location, "20261205T000000Z", complete: true);
        await AddAsync(location, "20261206T000000Z", complete: false); // perhaps a backup still being written

        var dry = await BackupPruner.PruneAsync(location, keep: 2, dryRun: true, Cancel);
        Assert.Equal(["20261201T000000Z", "20261202T000000Z"], dry.Deleted);
        Assert.Equal(6, (await location.ListIdsAsync(Cancel)).Count);

        var report = await BackupPruner.PruneAsync(location, keep: 2, dryRun: false, Cancel);
        Assert.Equal(["20261205T000000Z", "20261203T000000Z"], report.Kept);
        Assert.Equal(["20261201T000000Z", "20261202T000000Z"], report.Deleted);
        Assert.Equal(["20261203T000000Z", "20261204T000000Z", "20261205T000000Z", "20261206T000000Z"], (await location.ListIdsAsync(Cancel)).Order(StringComparer.Ordinal));

        await Assert.ThrowsAsync<BackupException>(() => BackupPruner.PruneAsync(location, keep: 0, dryRun: false, Cancel));
    }

    [Fact]
    public async Task A_running_marker_is_replaced_whole_is_not_a_backup_file_and_keeps_prune_away_until_it_is_stale()
    {
        var location = CreateLocation();
        await AddAsync(location, "20261205T000000Z", complete: true);
        await using var running = await location.CreateAsync("20261205T110000Z", Cancel);
        // Just started: nothing but its marker yet, which must still list as a (running) backup.
        await running.WriteRunningMarkerAsync(new RunningMarker(T0.AddMinutes(-1), "20261205T000000Z").ToJson(), Cancel);
        var listed = (await BackupCatalog.ListAsync(location, Cancel)).Single(l => l.Id == "20261205T110000Z");
        Assert.Equal(new RunningMarker(T0.AddMinutes(-1), "20261205T000000Z"), listed.Running);
        await running.AddAsync("database/ghostcrate.sqlite", new MemoryStream([1, 2, 3]), Cancel);
        await running.WriteRunningMarkerAsync(new RunningMarker(T0, "20261205T000000Z").ToJson(), Cancel);
        Assert.Equal(["database/ghostcrate.sqlite"], await location.Open("20261205T110000Z").ListFilesAsync(Cancel).ToListAsync(Cancel));
        await AddAsync(location, "20261205T115900Z", complete: true);

        // Keep 1 keeps the newest; the running backup is older, but live, and its base stays with it.
        var report = await BackupPruner.PruneAsync(location, new BackupRetention(Last: 1), dryRun: false, new FixedTime(T0.AddMinutes(10)), Cancel);
        Assert.Equal(["20261205T115900Z", "20261205T000000Z"], report.Kept);
        Assert.Equal(["20261205T110000Z"], report.Running);
        Assert.Equal(3, (await location.ListIdsAsync(Cancel)).Count);

        // The backup create died at T0: fifteen minutes later its folder is abandoned, and so is the base's reason to stay.
        report = await BackupPruner.PruneAsync(location, new BackupRetention(Last: 1), dryRun: false, new FixedTime(T0.AddMinutes(15)), Cancel);
        Assert.Equal(["20261205T000000Z", "20261205T110000Z"], report.Deleted);
        Assert.Equal(["20261205T115900Z"], await location.ListIdsAsync(Cancel));
    }

    [Fact]
    public async Task A_committed_backup_drops_its_marker_and_verifies_without_it()
    {
        var location = CreateLocation();
        await using (var writer = await location.CreateAsync("20261205T120000Z", Cancel))
        {
            await writer.WriteRunningMarkerAsync(new RunningMarker(T0, null).ToJson(), Cancel);
            await writer.AddAsync("database/ghostcrate.sqlite", new MemoryStream([1, 2, 3]), Cancel);
            await writer.CommitAsync(Manifest("20261205T120000Z", T0).ToJson(), Cancel);
            await writer.RemoveRunningMarkerAsync(Cancel);
        }
        var reader = location.Open("20261205T120000Z");
        Assert.Null(await reader.ReadRunningMarkerAsync(Cancel));
        Assert.Null(Assert.Single(await BackupCatalog.ListAsync(location, Cancel)).Running);
    }

    [Fact]
    public async Task A_prune_that_listed_the_target_before_a_running_backup_named_its_base_keeps_the_base_blobs()
    {
        var location = CreateLocation();
        var blob = new BackupBlobEntry("crates/a/a-1.0.0.crate", 5, "00");
        await AddAsync(location, "20261205T000000Z", complete: true, blob);
        await AddAsync(location, "20261205T115900Z", complete: true);
        var held = new HeldLocation(location);
        var prune = BackupPruner.PruneAsync(held, new BackupRetention(Last: 1), dryRun: false, new FixedTime(T0), Cancel);
        await held.Reached.WaitAsync(Cancel);

        // The prune has listed the target and chosen what to delete. Now a backup create that read the older backup as
        // its newest complete one (before the newer one committed) writes its marker, then checks that its base is
        // still complete, as BackupCreator does: it is, so it will reference the base's blob.
        await using var running = await location.CreateAsync("20261205T110000Z", Cancel);
        await running.WriteRunningMarkerAsync(new RunningMarker(T0, "20261205T000000Z").ToJson(), Cancel);
        Assert.NotNull(await location.Open("20261205T000000Z").ReadManifestAsync(Cancel));
        held.Release();

        var report = await prune;
        Assert.Equal(["20261205T115900Z"], report.Kept);
        Assert.Equal(["20261205T000000Z"], report.Retained);
        Assert.Equal(["20261205T110000Z"], report.Running);
        var pruned = location.Open("20261205T000000Z");
        Assert.Null(await pruned.ReadManifestAsync(Cancel));
        Assert.Equal([blob.File], await pruned.ListFilesAsync(Cancel).ToListAsync(Cancel));
    }

    /// <summary>A location whose first delete (of a manifest or a backup) waits until the test releases it.</summary>
    private sealed class HeldLocation(IBackupLocation inner) : IBackupLocation
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public string Describe => inner.Describe;

        public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken) => inner.ListIdsAsync(cancellationToken);

        public Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken) => inner.CreateAsync(id, cancellationToken);

        public IBackupReader Open(string id) => inner.Open(id);

        public async Task RemoveManifestAsync(string id, CancellationToken cancellationToken)
        {
            await HoldAsync(cancellationToken);
            await inner.RemoveManifestAsync(id, cancellationToken);
        }

        public async Task DeleteAsync(string id, IReadOnlySet<string> keep, CancellationToken cancellationToken)
        {
            await HoldAsync(cancellationToken);
            await inner.DeleteAsync(id, keep, cancellationToken);
        }

        private Task HoldAsync(CancellationToken cancellationToken)
        {
            _reached.TrySetResult();
            return _released.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static async Task AddAsync(IBackupLocation location, string id, bool complete, params BackupBlobEntry[] blobs)
    {
        await using var writer = await location.CreateAsync(id, Cancel);
        await writer.AddAsync("database/ghostcrate.sqlite", new MemoryStream([1, 2, 3]), Cancel);
        foreach (var blob in blobs) await writer.AddAsync(blob.File, new MemoryStream(new byte[blob.Size]), Cancel);
        if (complete)
        {
            var createdAt = DateTimeOffset.ParseExact(id, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            await writer.CommitAsync(Manifest(id, createdAt, blobs).ToJson(), Cancel);
        }
    }

    private static BackupManifest Manifest(string id, DateTimeOffset createdAt, IReadOnlyList<BackupBlobEntry>? blobs = null) =>
        new(BackupManifest.CurrentFormatVersion, id, "test", createdAt,
            new BackupDatabaseEntry("sqlite", "database/ghostcrate.sqlite", 3, "00", [1]), new BackupCounts(0, 0, 0, 0, 0), blobs ?? []);
}

public sealed class DirectoryBackupLocationContractTests : BackupLocationContractTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ghostcrate-backups-contract-").FullName;

    protected override IBackupLocation CreateLocation() => new DirectoryBackupLocation(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

public sealed class S3BackupLocationContractTests(S3BucketFixture bucket) : BackupLocationContractTests, IClassFixture<S3BucketFixture>
{
    protected override IBackupLocation CreateLocation()
    {
        if (bucket.Client is null) Assert.Skip(S3BucketFixture.SkipReason);
        // Each test its own prefix in the class's bucket.
        return new S3BackupLocation(bucket.Client, S3BackupTarget.Parse($"s3://{bucket.Options.Bucket}/backups/{Guid.NewGuid():N}"));
    }
}
