using Dapper;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Jobs;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

public abstract class JobQueueTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static readonly string[] Kinds = ["test.kind"];
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private Core.Jobs.IJobRepository Jobs => Db.Ports.Jobs;

    private static NewJob Job(string payload = "{}", string? dedup = null, int maxAttempts = 3, DateTimeOffset? runAt = null) =>
        new("test.kind", payload, dedup, runAt, maxAttempts);

    [Fact]
    public async Task A_job_is_leased_once_and_completed()
    {
        var id = await Jobs.EnqueueAsync(Job("""{"n":1}"""), T0, Ct);
        Assert.NotNull(id);

        var leased = await Jobs.DequeueAsync(Kinds, T0, Lease, Ct);
        Assert.NotNull(leased);
        Assert.Equal(id, leased.Job.Id);
        Assert.Equal("""{"n":1}""", leased.Job.Payload);
        Assert.Equal(1, leased.Job.Attempts);
        Assert.Equal(JobState.Running, leased.Job.State);
        Assert.Null(await Jobs.DequeueAsync(Kinds, T0, Lease, Ct));

        Assert.True(await Jobs.CompleteAsync(leased, T0.AddSeconds(1), Ct));
        var done = await Jobs.FindAsync(id.Value, Ct);
        Assert.Equal(JobState.Succeeded, done!.State);
        Assert.Equal(T0.AddSeconds(1), done.FinishedAt);
    }

    [Fact]
    public async Task Only_kinds_the_worker_handles_are_leased_and_future_jobs_wait()
    {
        await Jobs.EnqueueAsync(new NewJob("other.kind", "{}"), T0, Ct);
        await Jobs.EnqueueAsync(Job(runAt: T0.AddMinutes(5)), T0, Ct);

        Assert.Null(await Jobs.DequeueAsync(Kinds, T0.AddMinutes(4), Lease, Ct));
        Assert.NotNull(await Jobs.DequeueAsync(Kinds, T0.AddMinutes(5), Lease, Ct));
        Assert.NotNull(await Jobs.DequeueAsync(["other.kind"], T0.AddMinutes(5), Lease, Ct));
    }

    [Fact]
    public async Task An_expired_lease_makes_the_job_run_again_and_the_old_worker_cannot_report()
    {
        var id = await Jobs.EnqueueAsync(Job(), T0, Ct);
        var crashed = await Jobs.DequeueAsync(Kinds, T0, Lease, Ct);
        Assert.NotNull(crashed);

        Assert.Null(await Jobs.DequeueAsync(Kinds, T0 + Lease - TimeSpan.FromMilliseconds(1), Lease, Ct));
        var again = await Jobs.DequeueAsync(Kinds, T0 + Lease, Lease, Ct);
        Assert.NotNull(again);
        Assert.Equal(id, again.Job.Id);
        Assert.Equal(2, again.Job.Attempts);

        // The first worker comes back after losing its lease: its report is refused, the new lease stands.
        Assert.False(await Jobs.CompleteAsync(crashed, T0 + Lease, Ct));
        Assert.False(await Jobs.FailAsync(crashed, "late", null, T0 + Lease, Ct));
        Assert.True(await Jobs.CompleteAsync(again, T0 + Lease, Ct));
    }

    [Fact]
    public async Task A_renewed_lease_keeps_a_long_job_from_other_workers_until_it_runs_out()
    {
        await Jobs.EnqueueAsync(Job(), T0, Ct);
        var leased = (await Jobs.DequeueAsync(Kinds, T0, Lease, Ct))!;

        Assert.True(await Jobs.RenewLeaseAsync(leased, T0 + Lease + Lease, Ct));
        Assert.Null(await Jobs.DequeueAsync(Kinds, T0 + Lease, Lease, Ct));
        var taken = await Jobs.DequeueAsync(Kinds, T0 + Lease + Lease, Lease, Ct);
        Assert.NotNull(taken);

        // The first worker's lease is gone: it can neither renew nor report.
        Assert.False(await Jobs.RenewLeaseAsync(leased, T0 + Lease * 4, Ct));
        Assert.True(await Jobs.CompleteAsync(taken, T0 + Lease * 2, Ct));
        Assert.False(await Jobs.RenewLeaseAsync(taken, T0 + Lease * 4, Ct));
    }

    [Fact]
    public async Task A_failed_job_waits_for_its_retry_time()
    {
        await Jobs.EnqueueAsync(Job(), T0, Ct);
        var first = (await Jobs.DequeueAsync(Kinds, T0, Lease, Ct))!;
        Assert.True(await Jobs.FailAsync(first, "HTTP 500", T0.AddSeconds(10), T0, Ct));

        var waiting = (await Jobs.FindAsync(first.Job.Id, Ct))!;
        Assert.Equal(JobState.Pending, waiting.State);
        Assert.Equal("HTTP 500", waiting.LastError);
        Assert.Equal(T0.AddSeconds(10), waiting.RunAt);
        Assert.Equal(1, (await Jobs.GetStatsAsync(T0, Ct)).Failed);

        Assert.Null(await Jobs.DequeueAsync(Kinds, T0.AddSeconds(9), Lease, Ct));
        var second = await Jobs.DequeueAsync(Kinds, T0.AddSeconds(10), Lease, Ct);
        Assert.Equal(2, second!.Job.Attempts);
    }

    [Fact]
    public async Task A_job_is_dead_after_giving_up_and_an_administrator_can_retry_it()
    {
        await Jobs.EnqueueAsync(Job(maxAttempts: 2), T0, Ct);
        var first = (await Jobs.DequeueAsync(Kinds, T0, Lease, Ct))!;
        await Jobs.FailAsync(first, "boom", T0.AddSeconds(1), T0, Ct);
        var second = (await Jobs.DequeueAsync(Kinds, T0.AddSeconds(1), Lease, Ct))!;
        await Jobs.FailAsync(second, "boom again", null, T0.AddSeconds(1), Ct);

        var dead = (await Jobs.FindAsync(first.Job.Id, Ct))!;
        Assert.Equal(JobState.Dead, dead.State);
        Assert.Equal("boom again", dead.LastError);
        Assert.Null(await Jobs.DequeueAsync(Kinds, T0.AddDays(1), Lease, Ct));
        Assert.Equal(1, (await Jobs.GetStatsAsync(T0.AddDays(1), Ct)).Dead);
        Assert.Equal([first.Job.Id], (await Jobs.ListAsync(JobState.Dead, 10, Ct)).Select(j => j.Id));

        Assert.True(await Jobs.RetryNowAsync(dead.Id, T0.AddDays(1), Ct));
        var retried = (await Jobs.DequeueAsync(Kinds, T0.AddDays(1), Lease, Ct))!;
        Assert.Equal(1, retried.Job.Attempts);
    }

    [Fact]
    public async Task A_worker_that_dies_during_the_last_attempt_leaves_a_dead_job()
    {
        await Jobs.EnqueueAsync(Job(maxAttempts: 1), T0, Ct);
        Assert.NotNull(await Jobs.DequeueAsync(Kinds, T0, Lease, Ct));

        Assert.Null(await Jobs.DequeueAsync(Kinds, T0 + Lease, Lease, Ct));
        var stats = await Jobs.GetStatsAsync(T0 + Lease, Ct);
        Assert.Equal((0, 1), (stats.Running, stats.Dead));
    }

    [Fact]
    public async Task A_dedup_key_is_queued_once_while_unfinished()
    {
        var first = await Jobs.EnqueueAsync(Job(dedup: "key-1"), T0, Ct);
        Assert.NotNull(first);
        Assert.Null(await Jobs.EnqueueAsync(Job(dedup: "key-1"), T0, Ct));
        Assert.NotNull(await Jobs.EnqueueAsync(Job(dedup: "key-2"), T0, Ct));

        // The refused enqueue finds the job holding the key, pending or running (a second request joins it).
        Assert.Equal(first, (await Jobs.FindUnfinishedAsync("key-1", Ct))?.Id);
        var leased = (await Jobs.DequeueAsync(Kinds, T0, Lease, Ct))!;
        Assert.Equal(first, leased.Job.Id);
        Assert.Null(await Jobs.EnqueueAsync(Job(dedup: "key-1"), T0, Ct));
        Assert.Equal((first, JobState.Running), ((await Jobs.FindUnfinishedAsync("key-1", Ct))?.Id, (await Jobs.FindUnfinishedAsync("key-1", Ct))!.State));
        await Jobs.CompleteAsync(leased, T0, Ct);
        Assert.Null(await Jobs.FindUnfinishedAsync("key-1", Ct));

        // Finished: the key may be queued again (a redelivery).
        Assert.NotNull(await Jobs.EnqueueAsync(Job(dedup: "key-1"), T0, Ct));
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_no_job()
    {
        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using (var connection = await factory.OpenAsync(Ct))
        await using (var write = await factory.BeginWriteAsync(connection, Ct))
        {
            Assert.NotNull(await JobSql.InsertAsync(factory, connection, write.Transaction, Job(), T0, Ct));
            // Disposed without commit: the change that caused the job failed.
        }
        Assert.Equal(0, await Db.CountRowsAsync("jobs", Ct));

        await using (var connection = await factory.OpenAsync(Ct))
        await using (var write = await factory.BeginWriteAsync(connection, Ct))
        {
            await JobSql.InsertAsync(factory, connection, write.Transaction, Job(), T0, Ct);
            await write.CommitAsync(Ct);
        }
        Assert.Equal(1, await Db.CountRowsAsync("jobs", Ct));
    }

    [Fact]
    public async Task Two_workers_on_separate_pools_never_run_one_job_twice()
    {
        const int count = 60;
        for (var i = 0; i < count; i++) await Jobs.EnqueueAsync(Job($$"""{"n":{{i}}}"""), T0, Ct);
        var nodes = new[] { Db.Open(), Db.Open() };

        var taken = await Task.WhenAll(nodes.SelectMany(node => Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await node.Jobs.DequeueAsync(Kinds, T0, Lease, Ct) is { } leased)
            {
                mine.Add(leased.Job.Id);
                Assert.True(await node.Jobs.CompleteAsync(leased, T0, Ct));
            }
            return mine;
        }, Ct))));

        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Distinct().Count());
        Assert.Equal(count, (await Jobs.GetStatsAsync(T0, Ct)).Succeeded);
    }

    [Fact]
    public async Task A_recurring_job_is_queued_once_per_run_by_two_nodes()
    {
        var schedule = new RecurringJob("test.every-minute", "test.kind", TimeSpan.FromMinutes(1));
        var clock = new SettableClock(T0);
        var nodes = Enumerable.Range(0, 2)
            .Select(_ => new JobScheduler(Db.Open().Jobs, [schedule], clock, NullLogger<JobScheduler>.Instance))
            .ToArray();

        var queued = 0;
        // First tick creates the schedule (first run one interval later); then three runs fall due, one per minute,
        // and at each both nodes race for it.
        foreach (var node in nodes) queued += await node.TickAsync(Ct);
        Assert.Equal(0, queued);
        for (var minute = 1; minute <= 3; minute++)
        {
            clock.Now = T0.AddMinutes(minute);
            var results = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.TickAsync(Ct), Ct)));
            Assert.Equal(1, results.Sum());
        }

        Assert.Equal(3, await Db.CountRowsAsync("jobs", Ct));
        Assert.Equal(T0.AddMinutes(4), await Jobs.GetNextRunAsync(schedule.Name, Ct));
    }

    [Fact]
    public async Task A_schedule_claim_is_a_compare_and_set()
    {
        await Jobs.EnsureScheduleAsync("s", T0, Ct);
        await Jobs.EnsureScheduleAsync("s", T0.AddDays(1), Ct);
        Assert.Equal(T0, await Jobs.GetNextRunAsync("s", Ct));

        var job = Job(dedup: "schedule:s:0");
        var other = Db.Open().Jobs;
        var claims = await Task.WhenAll(
            Task.Run(() => Jobs.TryClaimScheduleAsync("s", T0, T0.AddMinutes(1), job, T0, Ct), Ct),
            Task.Run(() => other.TryClaimScheduleAsync("s", T0, T0.AddMinutes(1), job, T0, Ct), Ct));

        Assert.Single(claims, c => c);
        Assert.Equal(1, await Db.CountRowsAsync("jobs", Ct));
        Assert.False(await Jobs.TryClaimScheduleAsync("s", T0, T0.AddMinutes(1), job, T0, Ct));
    }

    [Fact]
    public async Task Succeeded_jobs_are_pruned_after_the_cutoff()
    {
        await Jobs.EnqueueAsync(Job(), T0, Ct);
        var leased = (await Jobs.DequeueAsync(Kinds, T0, Lease, Ct))!;
        await Jobs.CompleteAsync(leased, T0, Ct);
        await Jobs.EnqueueAsync(Job(), T0, Ct);

        Assert.Equal(0, await Jobs.PruneSucceededAsync(T0, Ct));
        Assert.Equal(1, await Jobs.PruneSucceededAsync(T0.AddMilliseconds(1), Ct));
        Assert.Equal(1, await Db.CountRowsAsync("jobs", Ct));
    }

    [Fact]
    public async Task Taking_the_next_job_reads_the_due_index_in_order_whatever_the_backlog()
    {
        // A backlog (a restored outbox, an outage of the webhook receivers): 20,000 due jobs and some with leases.
        const int backlog = 20_000;
        var postgres = Db.Options.Provider == DatabaseProvider.Postgres;
        await Db.ExecuteAsync(postgres
            ? $"INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at) SELECT 'test.kind', '{{}}', 'pending', 0, 3, {T0.ToUnixTimeMilliseconds()} + i, 0 FROM generate_series(1, {backlog}) AS i"
            : $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {backlog}) INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at) SELECT 'test.kind', '{{}}', 'pending', 0, 3, {T0.ToUnixTimeMilliseconds()} + i, 0 FROM n", Ct);
        for (var i = 0; i < 5; i++) Assert.NotNull(await Jobs.DequeueAsync(Kinds, T0.AddMinutes(10), Lease, Ct));
        await Db.ExecuteAsync("ANALYZE jobs", Ct);

        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using var connection = await factory.OpenAsync(Ct);
        var select = JobRepository.SelectNextDue(factory, postgres ? " FOR UPDATE SKIP LOCKED" : "");
        var rows = await connection.QueryAsync(new CommandDefinition(
            $"EXPLAIN {(postgres ? "" : "QUERY PLAN ")}{select}",
            new { now = T0.AddMinutes(10).ToUnixTimeMilliseconds(), kinds = Kinds }, cancellationToken: Ct));
        var plan = string.Join("\n", rows.Select(row => (string)((IDictionary<string, object>)row)[postgres ? "QUERY PLAN" : "detail"]));

        // One index read in (run_at, id) order that stops at the first job: no full read, no sort of the backlog.
        Assert.Contains("ix_jobs_due", plan);
        Assert.DoesNotContain(postgres ? "Seq Scan" : "SCAN jobs", plan);
        Assert.DoesNotContain(postgres ? "Sort" : "TEMP B-TREE", plan);
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

public sealed class SqliteJobQueueTests(SqliteLane lane) : JobQueueTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresJobQueueTests(PostgresLane lane) : JobQueueTests(lane), IClassFixture<PostgresLane>;
