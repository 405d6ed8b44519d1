using System.Text.Json.Serialization;
using GhostCrate.Core.Backup;

namespace GhostCrate.Web.Contracts;

/// <summary>
/// One backup run from backup_runs (server-run or `ghostcrate backup create`). <c>base_backup_id</c>: the earlier backup
/// an incremental run referenced unchanged blobs in (null: a full backup, or a failed run); <c>blobs</c>: how many blobs
/// the backup lists, <c>reused_blobs</c>: how many of them it referenced instead of copying (0 for runs recorded before
/// GhostCrate kept these counts).
/// </summary>
public sealed record BackupRunInfo(
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset FinishedAt,
    [property: JsonPropertyName("duration_seconds")] double DurationSeconds,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("backup_id")] string? BackupId,
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("encrypted")] bool Encrypted,
    [property: JsonPropertyName("incremental")] bool Incremental,
    [property: JsonPropertyName("base_backup_id")] string? BaseBackupId,
    [property: JsonPropertyName("blobs")] int Blobs,
    [property: JsonPropertyName("reused_blobs")] int ReusedBlobs)
{
    public static BackupRunInfo Of(BackupRun r) =>
        new(r.StartedAt, r.FinishedAt, r.Duration.TotalSeconds, r.Target, r.BackupId, r.Succeeded, r.Bytes, r.Error, r.Encrypted, r.Incremental, r.BaseId, r.Blobs, r.ReusedBlobs);
}

/// <summary>
/// GET /api/v1/admin/backups: the schedule (null: none), its next run, retention, the newest runs first, and how the
/// server's backups are encrypted ("key file", "passphrase"; null: not encrypted).
/// </summary>
public sealed record BackupOverviewResponse(
    [property: JsonPropertyName("schedule")] string? Schedule,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("target")] string? Target,
    [property: JsonPropertyName("retention")] BackupRetentionInfo Retention,
    [property: JsonPropertyName("next_run_at")] DateTimeOffset? NextRunAt,
    [property: JsonPropertyName("runs")] IReadOnlyList<BackupRunInfo> Runs,
    [property: JsonPropertyName("encryption")] string? Encryption)
{
    public static BackupOverviewResponse Of(BackupOverview o) =>
        new(o.Schedule, o.TimeZone, o.Target, new BackupRetentionInfo(o.Retention.Last, o.Retention.Daily, o.Retention.Weekly, o.Retention.Monthly), o.NextRunAt, o.Runs.Select(BackupRunInfo.Of).ToList(), o.Encryption);
}

/// <summary>Backup:KeepLast/KeepDaily/KeepWeekly/KeepMonthly (all 0: every backup is kept).</summary>
public sealed record BackupRetentionInfo(
    [property: JsonPropertyName("keep_last")] int KeepLast,
    [property: JsonPropertyName("keep_daily")] int KeepDaily,
    [property: JsonPropertyName("keep_weekly")] int KeepWeekly,
    [property: JsonPropertyName("keep_monthly")] int KeepMonthly);

/// <summary>POST /api/v1/admin/backups: the job that will take the backup (see /api/v1/admin/jobs).</summary>
public sealed record BackupQueuedResponse([property: JsonPropertyName("job_id")] long JobId);
