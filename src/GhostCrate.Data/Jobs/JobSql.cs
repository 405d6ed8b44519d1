using System.Data.Common;
using Dapper;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Jobs;
using GhostCrate.Data.Changes;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Jobs;

/// <summary>
/// Queues a job on a connection and transaction the caller owns: the outbox. A repository that changes something
/// another part must hear about calls this inside its own write transaction, so the job commits or rolls back with
/// the change (no event for a change that rolled back, no change without its event).
/// </summary>
internal static class JobSql
{
    /// <summary>The new job's id, or null when an unfinished job already has its dedup key.</summary>
    public static async Task<long?> InsertAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, NewJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrWhiteSpace(job.Kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(job.MaxAttempts, 1);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            INSERT INTO jobs (kind, payload, dedup_key, state, attempts, max_attempts, run_at, created_at)
            VALUES (@Kind, @Payload, @DedupKey, 'pending', 0, @MaxAttempts, @runAt, @now)
            ON CONFLICT (dedup_key) WHERE state IN ('pending', 'running') DO NOTHING
            RETURNING id
            """,
            new { job.Kind, job.Payload, job.DedupKey, job.MaxAttempts, runAt = UnixTime.ToMs(job.RunAt ?? now), now = UnixTime.ToMs(now) },
            transaction, cancellationToken: cancellationToken));
        // The change feed's jobs topic, delivered at commit: idle workers on every node wake.
        if (id is not null && factory.Provider == Core.Options.DatabaseProvider.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_notify(@channel, @topic)", new { channel = PostgresChangeFeed.Channel, topic = ChangeTopics.Jobs },
                transaction, cancellationToken: cancellationToken));
        }
        return id;
    }
}
