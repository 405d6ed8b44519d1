using GhostCrate.Core.Backup;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>The backup run log (backup_runs, 0011) that /metrics reads, on both databases.</summary>
public abstract class BackupRunLogTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task The_summary_holds_the_last_success_the_last_failure_and_the_failure_count()
    {
        var log = Db.Ports.BackupRuns;
        Assert.Equal(new BackupRunSummary(null, null, 0, 0, null), await log.GetSummaryAsync(Ct));

        await log.RecordAsync(new BackupRun(T0, T0.AddSeconds(30), "/srv/backups", "b1", true, 1000, null), Ct);
        await log.RecordAsync(new BackupRun(T0.AddHours(1), T0.AddHours(1).AddSeconds(2), "s3://b/p/", null, false, 0, new string('x', 5000)), Ct);
        await log.RecordAsync(new BackupRun(T0.AddHours(2), T0.AddHours(2).AddSeconds(90), "/srv/backups", "b3", true, 3000, null), Ct);
        await log.RecordAsync(new BackupRun(T0.AddHours(3), T0.AddHours(3).AddSeconds(1), "/srv/backups", "b4", false, 0, "disk full"), Ct);

        var summary = await log.GetSummaryAsync(Ct);
        Assert.Equal(T0.AddHours(2).AddSeconds(90), summary.LastSuccessAt);
        Assert.Equal(T0.AddHours(3).AddSeconds(1), summary.LastFailureAt);
        Assert.Equal(2, summary.Failures);
        Assert.Equal(3000, summary.LastSuccessBytes);
        Assert.Equal(90, summary.LastSuccessSeconds);

        var recent = await log.ListRecentAsync(3, Ct);
        Assert.Equal(["b4", "b3", null], recent.Select(r => r.BackupId));
        Assert.Equal(new BackupRun(T0.AddHours(3), T0.AddHours(3).AddSeconds(1), "/srv/backups", "b4", false, 0, "disk full"), recent[0]);
        Assert.Equal(2000, recent[2].Error!.Length);
        Assert.Equal(TimeSpan.FromSeconds(90), recent[1].Duration);
        Assert.All(recent, r => Assert.False(r.Encrypted));
    }

    [Fact]
    public async Task Whether_a_run_wrote_an_encrypted_backup_is_kept_per_run()
    {
        var log = Db.Ports.BackupRuns;
        await log.RecordAsync(new BackupRun(T0, T0.AddSeconds(5), "/srv/backups", "plain", true, 10, null), Ct);
        await log.RecordAsync(new BackupRun(T0.AddHours(1), T0.AddHours(1).AddSeconds(5), "/srv/backups", "sealed", true, 10, null, Encrypted: true), Ct);

        var recent = await log.ListRecentAsync(10, Ct);
        Assert.Equal([("sealed", true), ("plain", false)], recent.Select(r => (r.BackupId, r.Encrypted)));
    }

    [Fact]
    public async Task The_base_of_an_incremental_run_and_its_blob_counts_are_kept_per_run()
    {
        var log = Db.Ports.BackupRuns;
        await log.RecordAsync(new BackupRun(T0, T0.AddSeconds(5), "/srv/backups", "full", true, 10, null, Blobs: 7), Ct);
        await log.RecordAsync(new BackupRun(T0.AddHours(1), T0.AddHours(1).AddSeconds(5), "/srv/backups", "next", true, 10, null, BaseId: "full", Blobs: 9, ReusedBlobs: 7), Ct);
        await log.RecordAsync(new BackupRun(T0.AddHours(2), T0.AddHours(2).AddSeconds(1), "/srv/backups", null, false, 0, "disk full"), Ct);

        var recent = await log.ListRecentAsync(10, Ct);
        Assert.Equal([(null, 0, 0, false), ("full", 9, 7, true), (null, 7, 0, false)], recent.Select(r => (r.BaseId, r.Blobs, r.ReusedBlobs, r.Incremental)));
    }
}

public sealed class SqliteBackupRunLogTests(SqliteLane lane) : BackupRunLogTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresBackupRunLogTests(PostgresLane lane) : BackupRunLogTests(lane), IClassFixture<PostgresLane>;
