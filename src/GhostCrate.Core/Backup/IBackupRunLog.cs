namespace GhostCrate.Core.Backup;

/// <summary>
/// One `backup create` run: where to, which backup it made (null when it failed early), how it ended, and whether the
/// backup is encrypted (known once its key is chosen; false for a run that failed before). A successful run also says
/// which earlier backup it was made incremental on (<paramref name="BaseId"/>; null: a full backup), how many blobs it
/// lists and how many of those it referenced in earlier backups instead of copying (<paramref name="ReusedBlobs"/>).
/// </summary>
public sealed record BackupRun(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Target, string? BackupId, bool Succeeded, long Bytes, string? Error, bool Encrypted = false,
    string? BaseId = null, int Blobs = 0, int ReusedBlobs = 0)
{
    public TimeSpan Duration => FinishedAt - StartedAt;

    public bool Incremental => BaseId is not null;
}

/// <summary>What /metrics reports about backups: the last success and failure (null: never) and how many failed.</summary>
public sealed record BackupRunSummary(DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, long Failures, long LastSuccessBytes, double? LastSuccessSeconds);

/// <summary>
/// Port for the record of backup runs, kept in the registry's database so that every node reports the same last
/// success whichever machine ran the backup.
/// </summary>
public interface IBackupRunLog
{
    Task RecordAsync(BackupRun run, CancellationToken cancellationToken);

    Task<BackupRunSummary> GetSummaryAsync(CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> runs, newest first (the admin page).</summary>
    Task<IReadOnlyList<BackupRun>> ListRecentAsync(int limit, CancellationToken cancellationToken);
}
