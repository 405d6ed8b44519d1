using System.Security.Cryptography;
using Dapper;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Jobs;

internal sealed class JobRepository(IDbConnectionFactory factory, IJobWakeup wakeup) : IJobRepository
{
    // A due job in line, oldest first. Expired leases are put back in line first (below), so this one condition, an
    // equality and a range on ix_jobs_due (state, run_at, id) read in index order, finds the next job without reading
    // the rest of the queue. "Pending, or running with an expired lease" as one OR made both databases read and sort
    // every row for every job taken: a backlog of n jobs cost n^2 (bench/README.md, "The outbox backlog").
    internal const string NextDue = "state = 'pending' AND run_at <= @now";

    internal static string SelectNextDue(IDbConnectionFactory factory, string skipLocked) =>
        $"SELECT id FROM jobs WHERE {NextDue} AND kind {factory.InList("kinds")} ORDER BY run_at, id LIMIT 1{skipLocked}";

    public async Task<long?> EnqueueAsync(NewJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = await factory.WriteAsync((connection, transaction) => JobSql.InsertAsync(factory, connection, transaction, job, now, cancellationToken), cancellationToken);
        // Committed: this process's idle workers need not wait for their next poll (other nodes hear PostgreSQL's NOTIFY).
        if (id is not null) wakeup.Signal();
        return id;
    }

    public Task<LeasedJob?> DequeueAsync(IReadOnlyCollection<string> kinds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.Count == 0) return Task.FromResult<LeasedJob?>(null);
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var kindList = kinds.ToArray();
        // PostgreSQL: SKIP LOCKED lets concurrent workers pass over the row another one is leasing instead of waiting
        // for it, and the outer WHERE repeats the condition because a row can change between the subquery's snapshot
        // and the lock (READ COMMITTED re-checks the outer WHERE on the locked row). SQLite: BEGIN IMMEDIATE holds
        // the database's only write lock, so the select-and-update is atomic as it stands.
        var skipLocked = factory.Provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "";
        return factory.WriteAsync(async (connection, transaction) =>
        {
            var nowMs = UnixTime.ToMs(now);
            // A running job whose worker's lease ran out: dead if that was its last attempt (it is not run again),
            // else back in line at its old place (its run_at was due when it was leased). Either way the old worker's
            // lease token no longer matches, so its late report is refused.
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                UPDATE jobs SET lease_token = NULL, leased_until = NULL,
                       state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'pending' END,
                       finished_at = CASE WHEN attempts >= max_attempts THEN @now ELSE finished_at END,
                       last_error = CASE WHEN attempts >= max_attempts
                                         THEN 'the worker did not finish the last attempt before its lease expired' ELSE last_error END
                WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND leased_until <= @now{skipLocked})
                """,
                new { now = nowMs }, transaction, cancellationToken: cancellationToken));
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
                $"""
                UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_token = @token, leased_until = @until
                WHERE id = ({SelectNextDue(factory, skipLocked)})
                  AND {NextDue}
                RETURNING {JobRow.Columns}
                """,
                new { token, until = UnixTime.ToMs(now + lease), now = nowMs, kinds = kindList }, transaction, cancellationToken: cancellationToken));
            return row is null ? null : new LeasedJob(row.ToRecord(), token);
        }, cancellationToken);
    }

    public Task<bool> RenewLeaseAsync(LeasedJob job, DateTimeOffset leasedUntil, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE jobs SET leased_until = @until WHERE id = @id AND state = 'running' AND lease_token = @token",
            new { id = job.Job.Id, token = job.LeaseToken, until = UnixTime.ToMs(leasedUntil) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> CompleteAsync(LeasedJob job, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET state = 'succeeded', finished_at = @now, lease_token = NULL, leased_until = NULL
            WHERE id = @id AND state = 'running' AND lease_token = @token
            """,
            new { id = job.Job.Id, token = job.LeaseToken, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> FailAsync(LeasedJob job, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET state = @state, run_at = @runAt, last_error = @error, lease_token = NULL, leased_until = NULL,
                   finished_at = @finishedAt
            WHERE id = @id AND state = 'running' AND lease_token = @token
            """,
            new
            {
                id = job.Job.Id, token = job.LeaseToken, error,
                state = retryAt is null ? "dead" : "pending",
                runAt = UnixTime.ToMs(retryAt ?? job.Job.RunAt),
                finishedAt = retryAt is null ? UnixTime.ToMs(now) : (long?)null,
            },
            transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public async Task<bool> RetryNowAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE jobs SET state = 'pending', attempts = 0, run_at = @now, finished_at = NULL
                WHERE id = @id AND state IN ('pending', 'dead')
                """,
                new { id, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);
        }
        catch (Exception ex) when (factory.IsUniqueViolation(ex))
        {
            // A dead job whose dedup key was queued again since: the newer job will do the work.
            return false;
        }
    }

    public Task<JobRecord?> FindAsync(long id, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobRow.Columns} FROM jobs WHERE id = @id", new { id }, cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<JobRecord?> FindUnfinishedAsync(string dedupKey, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobRow.Columns} FROM jobs WHERE dedup_key = @dedupKey AND state IN ('pending', 'running')", new { dedupKey }, cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<JobRecord>>(async connection =>
        {
            // Two statements rather than "@state IS NULL OR ...": PostgreSQL cannot type a NULL parameter on its own.
            var where = state is null ? "" : "WHERE state = @state";
            var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(
                $"SELECT {JobRow.Columns} FROM jobs {where} ORDER BY id DESC LIMIT @limit",
                new { state = state is { } s ? JobRow.StateText(s) : "", limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task<JobQueueStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleAsync<StatsRow>(new CommandDefinition(
                """
                SELECT
                  COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0) AS Pending,
                  COALESCE(SUM(CASE WHEN state = 'pending' AND run_at <= @now THEN 1 ELSE 0 END), 0) AS Due,
                  COALESCE(SUM(CASE WHEN state = 'pending' AND attempts > 0 THEN 1 ELSE 0 END), 0) AS Failed,
                  COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0) AS Running,
                  COALESCE(SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END), 0) AS Succeeded,
                  COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) AS Dead
                FROM jobs
                """,
                new { now = UnixTime.ToMs(now) }, cancellationToken: cancellationToken));
            return new JobQueueStats(row.Pending, row.Due, row.Failed, row.Running, row.Succeeded, row.Dead);
        }, cancellationToken);

    public Task<int> PruneSucceededAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM jobs WHERE state = 'succeeded' AND finished_at < @cutoff",
            new { cutoff = UnixTime.ToMs(cutoff) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task EnsureScheduleAsync(string name, DateTimeOffset firstRunAt, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO job_schedules (name, next_run_at) VALUES (@name, @next) ON CONFLICT (name) DO NOTHING",
            new { name, next = UnixTime.ToMs(firstRunAt) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<DateTimeOffset?> GetNextRunAsync(string name, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => UnixTime.FromMs(await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT next_run_at FROM job_schedules WHERE name = @name", new { name }, cancellationToken: cancellationToken))), cancellationToken);

    public Task<bool> TryClaimScheduleAsync(string name, DateTimeOffset expectedRunAt, DateTimeOffset nextRunAt, NewJob job, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // The compare-and-set: of all nodes that read the same next_run_at, one update matches; on PostgreSQL the
            // others block on the row lock and then find the value changed (READ COMMITTED re-evaluates the WHERE).
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE job_schedules SET next_run_at = @next, last_run_at = @expected WHERE name = @name AND next_run_at = @expected",
                new { name, next = UnixTime.ToMs(nextRunAt), expected = UnixTime.ToMs(expectedRunAt) }, transaction, cancellationToken: cancellationToken));
            if (claimed == 0) return false;
            await JobSql.InsertAsync(factory, connection, transaction, job, now, cancellationToken);
            return true;
        }, cancellationToken);

    private sealed class StatsRow
    {
        public long Pending { get; set; }
        public long Due { get; set; }
        public long Failed { get; set; }
        public long Running { get; set; }
        public long Succeeded { get; set; }
        public long Dead { get; set; }
    }
}
