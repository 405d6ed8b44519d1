using Dapper;
using GhostCrate.Core.Backup;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Backup;

/// <summary>The backup_runs table (0011, 0024's encrypted, 0027's base and blob counts): one row per `backup create`, the same SQL on both databases.</summary>
internal sealed class BackupRunRepository(IDbConnectionFactory factory) : IBackupRunLog
{
    // Error messages name files and S3 answers; a bound keeps one pathological message from bloating the table.
    private const int MaxErrorLength = 2000;

    /// <summary>The run's row and its backup.succeeded / backup.failed event commit together (the outbox pattern).</summary>
    public Task RecordAsync(BackupRun run, CancellationToken cancellationToken)
    {
        var error = run.Error is { Length: > MaxErrorLength } e ? e[..MaxErrorLength] : run.Error;
        return factory.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO backup_runs (started_at, finished_at, target, backup_id, succeeded, bytes, error, encrypted, base_backup_id, blobs, reused_blobs)
                VALUES (@StartedAt, @FinishedAt, @Target, @BackupId, @Succeeded, @Bytes, @Error, @Encrypted, @BaseId, @Blobs, @ReusedBlobs)
                """,
                new
                {
                    StartedAt = UnixTime.ToMs(run.StartedAt),
                    FinishedAt = UnixTime.ToMs(run.FinishedAt),
                    run.Target,
                    run.BackupId,
                    Succeeded = run.Succeeded ? 1 : 0,
                    run.Bytes,
                    Error = error,
                    Encrypted = run.Encrypted ? 1 : 0,
                    run.BaseId,
                    run.Blobs,
                    run.ReusedBlobs,
                }, transaction, cancellationToken: cancellationToken));
            await Notifications.EventOutbox.BackupRunAsync(factory, connection, transaction, run, error, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public Task<BackupRunSummary> GetSummaryAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleAsync<SummaryRow>(new CommandDefinition("""
                SELECT (SELECT max(finished_at) FROM backup_runs WHERE succeeded = 1) AS LastSuccessAt,
                       (SELECT max(finished_at) FROM backup_runs WHERE succeeded = 0) AS LastFailureAt,
                       (SELECT count(*) FROM backup_runs WHERE succeeded = 0) AS Failures
                """, cancellationToken: cancellationToken));
            var last = await connection.QueryFirstOrDefaultAsync<LastRow>(new CommandDefinition("""
                SELECT started_at AS StartedAt, finished_at AS FinishedAt, bytes AS Bytes
                FROM backup_runs WHERE succeeded = 1 ORDER BY finished_at DESC, id DESC LIMIT 1
                """, cancellationToken: cancellationToken));
            return new BackupRunSummary(
                row.LastSuccessAt is { } s ? UnixTime.FromMs(s) : null,
                row.LastFailureAt is { } f ? UnixTime.FromMs(f) : null,
                row.Failures,
                last?.Bytes ?? 0,
                last is null ? null : (last.FinishedAt - last.StartedAt) / 1000.0);
        }, cancellationToken);

    public Task<IReadOnlyList<BackupRun>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<BackupRun>>(async connection =>
        {
            var rows = await connection.QueryAsync<RunRow>(new CommandDefinition("""
                SELECT started_at AS StartedAt, finished_at AS FinishedAt, target AS Target, backup_id AS BackupId,
                       succeeded AS Succeeded, bytes AS Bytes, error AS Error, encrypted AS Encrypted,
                       base_backup_id AS BaseId, blobs AS Blobs, reused_blobs AS ReusedBlobs
                FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT @limit
                """, new { limit }, cancellationToken: cancellationToken));
            return rows.Select(r => new BackupRun(UnixTime.FromMs(r.StartedAt), UnixTime.FromMs(r.FinishedAt), r.Target, r.BackupId, r.Succeeded != 0, r.Bytes, r.Error, r.Encrypted != 0,
                r.BaseId, (int)r.Blobs, (int)r.ReusedBlobs)).ToList();
        }, cancellationToken);

    private sealed class RunRow
    {
        public long StartedAt { get; init; }
        public long FinishedAt { get; init; }
        public string Target { get; init; } = "";
        public string? BackupId { get; init; }
        public long Succeeded { get; init; }
        public long Bytes { get; init; }
        public string? Error { get; init; }
        public long Encrypted { get; init; }
        public string? BaseId { get; init; }
        public long Blobs { get; init; }
        public long ReusedBlobs { get; init; }
    }

    // Settable properties, not a positional record: SQLite reports a NULL max() with no type, which Dapper can only
    // map onto a property.
    private sealed class SummaryRow
    {
        public long? LastSuccessAt { get; init; }
        public long? LastFailureAt { get; init; }
        public long Failures { get; init; }
    }

    private sealed record LastRow(long StartedAt, long FinishedAt, long Bytes);
}
