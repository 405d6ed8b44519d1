using GhostCrate.Core.Docs;
using GhostCrate.Core.Jobs;
using Dapper;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Jobs;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The builder's state on version_docs (0014) on both databases: the compare-and-set moves (queued after a publish
/// only once, building only from queued, rebuild only when idle or when the build's job is dead) that keep two nodes
/// from building one version twice, and the log kept with the result.
/// </summary>
public abstract class DocsBuildStateTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private IDocsRepository Docs => Db.Ports.Docs;

    private async Task<long> VersionIdAsync(string name)
    {
        var alice = await Users.FindByNameAsync("alice", Ct) ?? await CreateUserAsync("alice");
        await PublishAsync(NewVersion(name, "1.0.0", alice.Id));
        return (await Crates.FindVersionAsync(name, "1.0.0", Ct))!.Id;
    }

    /// <summary>The dedup key of a version's build job: whether that job is pending or running tells whether its build is alive.</summary>
    protected static string BuildJobKey(long versionId) => $"docs.build.test:{versionId}";

    /// <summary>A version's build job; a kind of its own, so a test leases exactly this job.</summary>
    protected static NewJob BuildJob(long versionId, int maxAttempts = 2) =>
        new($"docs.build.test.{versionId}", $"v{versionId}", DedupKey: BuildJobKey(versionId), MaxAttempts: maxAttempts);

    private Task<bool> QueueAsync(long versionId, DocsQueueReason reason, DateTimeOffset now) =>
        Docs.TryQueueBuildAsync(versionId, BuildJob(versionId), reason, now, Ct);

    /// <summary>What a node's job worker does: leases the version's build job by its clock (null: none due).</summary>
    private Task<LeasedJob?> LeaseAsync(long versionId, DateTimeOffset now) =>
        Db.Ports.Jobs.DequeueAsync([BuildJob(versionId).Kind], now, TimeSpan.FromMinutes(5), Ct);

    [Fact]
    public async Task A_published_version_is_queued_once_built_once_and_its_result_and_log_kept()
    {
        var id = await VersionIdAsync("built");
        Assert.Null(await Docs.FindAsync(id, Ct));

        Assert.True(await QueueAsync(id, DocsQueueReason.Publish, T0));
        // A fan-out that runs again may finish its own enqueue (dedup keeps the job single), so queued stays queuable.
        Assert.True(await QueueAsync(id, DocsQueueReason.Publish, T0));
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(id, Ct))!.BuildStatus);
        // An owner's rebuild of a queued version would queue a second build: refused.
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, T0));

        var ticket = await Docs.TryStartBuildAsync(id, "1.95.0", T0.AddSeconds(1), Ct);
        Assert.NotNull(ticket);
        // While it builds, neither another publish fan-out nor a rebuild queues it again.
        Assert.False(await QueueAsync(id, DocsQueueReason.Publish, T0.AddSeconds(2)));
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(2)));

        var log = "   Compiling built v1.0.0\n" + new string('é', 3000);
        Assert.True(await Docs.FinishBuildAsync(id, ticket.Value, DocsBuildStatus.Built, log, T0.AddSeconds(3), Ct));
        var row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Built, row.BuildStatus);
        Assert.Equal(log, row.BuildLog);
        Assert.Equal("1.95.0", row.BuildToolchain);
        Assert.Equal(T0.AddSeconds(3), row.BuildUpdatedAt);

        // Built: no second build after a publish, and a job that runs late does not start one.
        Assert.False(await QueueAsync(id, DocsQueueReason.Publish, T0.AddSeconds(4)));
        Assert.Null(await Docs.TryStartBuildAsync(id, "1.95.0", T0.AddSeconds(4), Ct));
        // An owner's rebuild does.
        Assert.True(await QueueAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(5)));
        var requeued = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Queued, requeued.BuildStatus);
        Assert.Null(requeued.BuildLog);
    }

    [Fact]
    public async Task Uploaded_docs_are_not_replaced_by_a_publish_build()
    {
        var uploaded = await VersionIdAsync("uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen1", 3, 300, "upload", null, T0), null, Ct);
        Assert.False(await QueueAsync(uploaded, DocsQueueReason.Publish, T0));
        Assert.Null((await Docs.FindAsync(uploaded, Ct))!.BuildStatus);
        Assert.Null(await Db.Ports.Jobs.FindUnfinishedAsync(BuildJobKey(uploaded), Ct));
    }

    [Fact]
    public async Task A_build_is_dead_when_its_job_is_and_no_nodes_clock_decides_that()
    {
        // Three nodes whose clocks disagree: A's is right, B's runs a day ahead, C's a day behind. Judged by "no move
        // for Timeout + 10 minutes by my own clock", B would take over A's running build at once and C would wait a
        // day for a dead one. The build's job decides instead: alive while it is pending or running.
        var nodeA = T0;
        var nodeB = T0.AddDays(1);
        var nodeC = T0.AddDays(-1);
        var id = await VersionIdAsync("dead-build");
        Assert.True(await QueueAsync(id, DocsQueueReason.Publish, nodeA));
        // Queued, its job waiting: no second build.
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, nodeB));
        var first = await LeaseAsync(id, nodeA);
        Assert.NotNull(first);
        Assert.NotNull(await Docs.TryStartBuildAsync(id, "stable", nodeA, Ct));
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, nodeB));
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, nodeC));

        // A dies mid-build. Once its lease has run out the queue runs the job again: the build is still alive.
        var second = await LeaseAsync(id, nodeA.AddMinutes(6));
        Assert.NotNull(second);
        Assert.Equal((first!.Job.Id, 2), (second!.Job.Id, second.Job.Attempts));
        Assert.NotNull(await Docs.TryStartBuildAsync(id, "stable", nodeA.AddMinutes(6), Ct));
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, nodeB));

        // Its node dies too: after the last attempt's lease the job is dead, and with it the build, for every node.
        Assert.Null(await LeaseAsync(id, nodeA.AddMinutes(12)));
        Assert.Equal(JobState.Dead, (await Db.Ports.Jobs.FindAsync(first.Job.Id, Ct))!.State);
        Assert.Equal(DocsBuildStatus.Building, (await Docs.FindAsync(id, Ct))!.BuildStatus);
        Assert.True(await QueueAsync(id, DocsQueueReason.Rebuild, nodeC));
        var requeued = await Db.Ports.Jobs.FindUnfinishedAsync(BuildJobKey(id), Ct);
        Assert.NotNull(requeued);
        Assert.NotEqual(first.Job.Id, requeued!.Id);
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(id, Ct))!.BuildStatus);
        // The new build is alive in turn: B's clock, a day ahead, does not make it dead.
        Assert.False(await QueueAsync(id, DocsQueueReason.Rebuild, nodeB));
    }

    [Fact]
    public async Task A_build_that_finishes_after_a_newer_one_was_queued_leaves_the_newer_builds_state()
    {
        var id = await BuiltAsync("stale-finish", "1.90.0", DocsBuildStatus.Built);
        // Node A's rebuild: one attempt, so the job is dead once A's lease runs out.
        Assert.True(await Docs.TryQueueBuildAsync(id, BuildJob(id, maxAttempts: 1), DocsQueueReason.Rebuild, T0.AddSeconds(2), Ct));
        Assert.NotNull(await LeaseAsync(id, T0.AddSeconds(2)));
        var stale = await Docs.TryStartBuildAsync(id, "stable", T0.AddSeconds(2), Ct);
        Assert.NotNull(stale);

        // A is slow, not dead: its lease runs out, the job is given up, and a new rebuild is queued.
        Assert.Null(await LeaseAsync(id, T0.AddMinutes(6)));
        Assert.True(await QueueAsync(id, DocsQueueReason.Rebuild, T0.AddMinutes(6)));
        // A finishes late: dropped, the row stays queued for the new build.
        Assert.False(await Docs.FinishBuildAsync(id, stale.Value, DocsBuildStatus.Failed, "A's late log", T0.AddMinutes(7), Ct));
        var row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Queued, row.BuildStatus);
        Assert.Null(row.BuildLog);
        Assert.Equal(T0.AddMinutes(6), row.BuildUpdatedAt);

        // The new build starts on node B; A's result is dropped again, B's is kept.
        Assert.NotNull(await LeaseAsync(id, T0.AddMinutes(8)));
        var current = await Docs.TryStartBuildAsync(id, "1.96.0", T0.AddMinutes(8), Ct);
        Assert.NotNull(current);
        Assert.NotEqual(stale, current);
        Assert.False(await Docs.FinishBuildAsync(id, stale.Value, DocsBuildStatus.Built, "A's late log", T0.AddMinutes(9), Ct));
        row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Building, row.BuildStatus);
        Assert.Null(row.BuildLog);
        Assert.Equal("1.96.0", row.BuildToolchain);
        Assert.True(await Docs.FinishBuildAsync(id, current.Value, DocsBuildStatus.Failed, "B's log", T0.AddMinutes(10), Ct));
        row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Failed, row.BuildStatus);
        Assert.Equal("B's log", row.BuildLog);
    }

    [Fact]
    public async Task A_build_job_without_a_dedup_key_is_refused_and_the_version_is_not_marked()
    {
        // Without the key nothing could later tell whether the build is alive; the row's move and the job commit together.
        var id = await VersionIdAsync("queued-with-job");
        await Assert.ThrowsAsync<ArgumentException>(() => Docs.TryQueueBuildAsync(id, new NewJob("docs.build.test", "x"), DocsQueueReason.Publish, T0, Ct));
        Assert.Null((await Docs.FindAsync(id, Ct))?.BuildStatus);
        Assert.True(await QueueAsync(id, DocsQueueReason.Publish, T0));
        Assert.NotNull(await Db.Ports.Jobs.FindUnfinishedAsync(BuildJobKey(id), Ct));
    }

    protected async Task<long> BuiltAsync(string name, string toolchain, DocsBuildStatus result, string log = "log") =>
        (await BuiltWithTicketAsync(name, toolchain, result, log)).Id;

    /// <summary><see cref="BuiltAsync"/>, with the ticket of the build that finished.</summary>
    private async Task<(long Id, long Ticket)> BuiltWithTicketAsync(string name, string toolchain, DocsBuildStatus result, string log = "log")
    {
        var id = await VersionIdAsync(name);
        Assert.True(await QueueAsync(id, DocsQueueReason.Publish, T0));
        var job = await LeaseAsync(id, T0);
        Assert.NotNull(job);
        var ticket = await Docs.TryStartBuildAsync(id, toolchain, T0, Ct);
        Assert.NotNull(ticket);
        Assert.True(await Docs.FinishBuildAsync(id, ticket.Value, result, log, T0.AddSeconds(1), Ct));
        if (result == DocsBuildStatus.Built) await Docs.SwapAsync(id, new DocsGeneration($"gen-{name}", 1, 10, "build", null, T0.AddSeconds(1)), null, Ct);
        Assert.True(await Db.Ports.Jobs.CompleteAsync(job!, T0.AddSeconds(1), Ct));
        return (id, ticket.Value);
    }

    private async Task<List<long>> RebuildTargetsAsync(string? otherThan, bool includeUploaded)
    {
        // Pages of one row: the keyset (version id) walks every row exactly once.
        var all = new List<long>();
        long after = 0;
        while (await Docs.ListRebuildTargetsAsync(otherThan, includeUploaded, after, 1, Ct) is { Count: 1 } page)
        {
            all.Add(page[0].VersionId);
            after = page[0].VersionId;
        }
        return all;
    }

    [Fact]
    public async Task Rebuild_all_lists_versions_built_with_another_toolchain_page_by_page_and_uploaded_docs_only_when_asked()
    {
        var old = await BuiltAsync("rb-old", "1.90.0", DocsBuildStatus.Built);
        var oldFailed = await BuiltAsync("rb-old-failed", "1.90.0", DocsBuildStatus.Failed);
        var current = await BuiltAsync("rb-current", "stable", DocsBuildStatus.Built);
        var reuploaded = await BuiltAsync("rb-reuploaded", "1.90.0", DocsBuildStatus.Built);
        await Docs.SwapAsync(reuploaded, new DocsGeneration("gen-upload", 1, 10, "upload", null, T0.AddSeconds(2)), null, Ct);
        var uploadedOnly = await VersionIdAsync("rb-uploaded");
        await Docs.SwapAsync(uploadedOnly, new DocsGeneration("gen-upload-only", 1, 10, "upload", null, T0), null, Ct);
        var queuedOnly = await VersionIdAsync("rb-queued");
        Assert.True(await QueueAsync(queuedOnly, DocsQueueReason.Publish, T0));
        var never = await VersionIdAsync("rb-never");
        var alice = (await Users.FindByNameAsync("alice", Ct))!;
        await PublishAsync(NewVersion("rb-held", "1.0.0", alice.Id) with { HoldReason = "held for the test" });

        // A queued version is listed (the queue's compare-and-set then counts it as already queued); held never.
        Assert.Equal([old, oldFailed, queuedOnly], await RebuildTargetsAsync("stable", includeUploaded: false));
        Assert.Equal([old, oldFailed, reuploaded, uploadedOnly, queuedOnly], await RebuildTargetsAsync("stable", includeUploaded: true));
        Assert.Equal([old, oldFailed, current, queuedOnly, never], await RebuildTargetsAsync(null, includeUploaded: false));
        Assert.Equal([old, oldFailed, current, reuploaded, uploadedOnly, queuedOnly, never], await RebuildTargetsAsync(null, includeUploaded: true));
        var first = (await Docs.ListRebuildTargetsAsync("stable", false, 0, 10, Ct))[0];
        Assert.Equal(new DocsBuildTarget(old, "rb-old", "rb-old", "1.0.0"), first);
    }

    [Fact]
    public async Task A_rebuild_that_keeps_uploads_never_queues_a_version_whose_docs_were_uploaded_meanwhile()
    {
        var id = await BuiltAsync("rb-race", "1.90.0", DocsBuildStatus.Built);
        // Listed by a rebuild-all, then an owner uploads before the enqueue: the compare-and-set sees the upload.
        await Docs.SwapAsync(id, new DocsGeneration("gen-upload", 1, 10, "upload", null, T0.AddSeconds(2)), null, Ct);
        Assert.False(await QueueAsync(id, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(3)));
        Assert.Equal(DocsBuildStatus.Built, (await Docs.FindAsync(id, Ct))!.BuildStatus);

        var built = await BuiltAsync("rb-kept", "1.90.0", DocsBuildStatus.Built);
        Assert.True(await QueueAsync(built, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(3)));
        var never = await VersionIdAsync("rb-new");
        Assert.True(await QueueAsync(never, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(3)));
        // An explicit rebuild of the one version (owners, administrators) replaces its upload...
        Assert.True(await QueueAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(4)));
        var ticket = await Docs.TryStartBuildAsync(id, "stable", T0.AddSeconds(4), Ct);
        Assert.NotNull(ticket);
        var replaced = await Docs.SwapAsync(id, new DocsGeneration("gen-rebuilt", 1, 10, "build", null, T0.AddSeconds(5)), buildTicket: ticket, Ct);
        Assert.Equal(new DocsSwapResult(true, "gen-upload"), replaced);
        Assert.True(await Docs.FinishBuildAsync(id, ticket.Value, DocsBuildStatus.Built, "log", T0.AddSeconds(5), Ct));

        // ...but not docs uploaded while the build was queued: the newer upload wins, the row is unchanged. The ticket is
        // the queue's place, so a build that starts after the upload still loses to it.
        Assert.True(await QueueAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(6)));
        await Docs.SwapAsync(id, new DocsGeneration("gen-upload-2", 1, 10, "upload", null, T0.AddSeconds(7)), null, Ct);
        var late = await Docs.TryStartBuildAsync(id, "stable", T0.AddSeconds(8), Ct);
        Assert.Equal(new DocsSwapResult(false, null), await Docs.SwapAsync(id, new DocsGeneration("gen-late", 1, 10, "build", null, T0.AddSeconds(8)), buildTicket: late, Ct));
        var row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(("gen-upload-2", "upload"), (row.Generation, row.Source));
    }

    [Fact]
    public async Task Whether_an_upload_came_after_a_build_was_queued_is_the_databases_order_not_the_nodes_clocks()
    {
        // Node A's clock runs ten minutes ahead of node B's. Each step's time is the clock of the node doing it.
        var nodeA = T0.AddMinutes(10);
        var nodeB = T0;

        // A queues a build; B takes an upload after it (B's clock says earlier). The upload is newer and is kept.
        var keptId = await BuiltAsync("clock-kept", "1.90.0", DocsBuildStatus.Built);
        Assert.True(await QueueAsync(keptId, DocsQueueReason.Rebuild, nodeA));
        var ticket = await Docs.TryStartBuildAsync(keptId, "stable", nodeA.AddSeconds(1), Ct);
        await Docs.SwapAsync(keptId, new DocsGeneration("gen-b-upload", 1, 10, "upload", null, nodeB.AddSeconds(2)), null, Ct);
        Assert.Equal(new DocsSwapResult(false, null), await Docs.SwapAsync(keptId, new DocsGeneration("gen-a-build", 1, 10, "build", null, nodeA.AddSeconds(3)), buildTicket: ticket, Ct));
        Assert.Equal(("gen-b-upload", "upload"), ((await Docs.FindAsync(keptId, Ct))!.Generation, (await Docs.FindAsync(keptId, Ct))!.Source));

        // The other way round: A takes an upload (A's clock says later), then B queues an owner's rebuild. The rebuild
        // was asked for after the upload, so it replaces it.
        var replacedId = await VersionIdAsync("clock-replaced");
        await Docs.SwapAsync(replacedId, new DocsGeneration("gen-a-upload", 1, 10, "upload", null, nodeA), null, Ct);
        Assert.True(await QueueAsync(replacedId, DocsQueueReason.Rebuild, nodeB.AddSeconds(1)));
        var later = await Docs.TryStartBuildAsync(replacedId, "stable", nodeB.AddSeconds(2), Ct);
        Assert.Equal(new DocsSwapResult(true, "gen-a-upload"), await Docs.SwapAsync(replacedId, new DocsGeneration("gen-b-build", 1, 10, "build", null, nodeB.AddSeconds(3)), buildTicket: later, Ct));
        Assert.Equal(("gen-b-build", "build"), ((await Docs.FindAsync(replacedId, Ct))!.Generation, (await Docs.FindAsync(replacedId, Ct))!.Source));
    }

    [Fact]
    public async Task A_batch_is_queued_with_one_job_per_version_it_marks_and_none_for_versions_already_queued_or_uploaded()
    {
        var built = await BuiltAsync("batch-built", "1.90.0", DocsBuildStatus.Built);
        var queued = await VersionIdAsync("batch-queued");
        Assert.True(await QueueAsync(queued, DocsQueueReason.Publish, T0));
        var uploaded = await VersionIdAsync("batch-uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen-up", 1, 10, "upload", null, T0), null, Ct);
        var never = await VersionIdAsync("batch-never");
        var targets = (await Docs.ListRebuildTargetsAsync(null, includeUploaded: true, 0, 100, Ct)).Where(t => t.Crate.StartsWith("batch-", StringComparison.Ordinal)).ToList();
        Assert.Equal([built, queued, uploaded, never], targets.Select(t => t.VersionId));

        static NewJob JobFor(DocsBuildTarget target) => new("docs.build.test", target.Crate, DedupKey: BuildJobKey(target.VersionId));
        Assert.Equal(2, await Docs.QueueBuildsAsync(targets, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(5), JobFor, Ct));
        var jobs = (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct)).Where(j => j.Kind == "docs.build.test").Select(j => j.Payload).Order(StringComparer.Ordinal);
        Assert.Equal(["batch-built", "batch-never"], jobs);
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(built, Ct))!.BuildStatus);
        Assert.Null((await Docs.FindAsync(uploaded, Ct))!.BuildStatus);
        // The same batch again (a second pass of the job, on another node): every version is queued already.
        Assert.Equal(0, await Docs.QueueBuildsAsync(targets, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(6), JobFor, Ct));
        Assert.Equal(2, (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct)).Count(j => j.Kind == "docs.build.test"));
    }

    [Fact]
    public async Task Versions_are_counted_per_state_and_the_newest_failures_come_with_the_end_of_their_log()
    {
        Assert.Equal(new DocsBuildCounts(0, 0, 0, 0, 0, 0, 0), await Docs.CountAsync("stable", Ct));
        Assert.Empty(await Docs.ListRecentFailuresAsync(10, 100, Ct));

        await BuiltAsync("ct-old", "1.90.0", DocsBuildStatus.Built);
        await BuiltAsync("ct-current", "stable", DocsBuildStatus.Built);
        var longLog = "   Compiling ct-failed v1.0.0\n" + new string('x', 500) + "\nerror[E0425]: cannot find value\nfailed: `cargo doc` did not succeed";
        var failed = await BuiltWithTicketAsync("ct-failed", "1.90.0", DocsBuildStatus.Failed, longLog);
        await BuiltAsync("ct-short", "stable", DocsBuildStatus.Failed, "short log");
        Assert.True(await Docs.FinishBuildAsync(failed.Id, failed.Ticket, DocsBuildStatus.Failed, longLog, T0.AddMinutes(1), Ct)); // the newest failure
        var uploaded = await VersionIdAsync("ct-uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen-up", 1, 10, "upload", null, T0), null, Ct);
        var queued = await VersionIdAsync("ct-queued");
        Assert.True(await QueueAsync(queued, DocsQueueReason.Publish, T0));
        var building = await VersionIdAsync("ct-building");
        Assert.True(await QueueAsync(building, DocsQueueReason.Publish, T0));
        Assert.NotNull(await Docs.TryStartBuildAsync(building, "stable", T0, Ct));
        await VersionIdAsync("ct-never");
        var alice = (await Users.FindByNameAsync("alice", Ct))!;
        await PublishAsync(NewVersion("ct-held", "1.0.0", alice.Id) with { HoldReason = "held for the test" });

        // Outdated: ct-old and ct-failed (1.90.0); without docs: ct-never (held versions are not counted).
        Assert.Equal(new DocsBuildCounts(Queued: 1, Building: 1, Built: 2, Failed: 2, Uploaded: 1, WithoutDocs: 1, Outdated: 2), await Docs.CountAsync("stable", Ct));

        var failures = await Docs.ListRecentFailuresAsync(10, 100, Ct);
        Assert.Equal(["ct-failed", "ct-short"], failures.Select(f => f.Crate));
        Assert.Equal(T0.AddMinutes(1), failures[0].FailedAt);
        Assert.Equal("1.90.0", failures[0].Toolchain);
        Assert.Equal(longLog[^100..], failures[0].LogExcerpt);
        Assert.Equal("short log", failures[1].LogExcerpt);
        Assert.Single(await Docs.ListRecentFailuresAsync(1, 100, Ct));
    }
}

public sealed class SqliteDocsBuildStateTests(SqliteLane lane) : DocsBuildStateTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDocsBuildStateTests(PostgresLane lane) : DocsBuildStateTests(lane), IClassFixture<PostgresLane>
{
    /// <summary>
    /// Two nodes' rebuilds of one built version at the same moment (a two-node CI run saw both answered 202): node B's
    /// queueing waits on the row node A is queueing and, once A commits, must see A's job and be refused. PostgreSQL
    /// only: SQLite's write transaction never lets B's statements start before A's commit.
    /// </summary>
    [Fact]
    public async Task A_rebuild_that_waited_for_another_nodes_rebuild_sees_its_job_and_is_refused()
    {
        var id = await BuiltAsync("raced", "1.95.0", DocsBuildStatus.Built);
        var key = BuildJobKey(id);
        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using var nodeA = await factory.OpenAsync(Ct);
        await using (var transaction = await nodeA.BeginTransactionAsync(Ct))
        {
            // Node A's rebuild has locked the row (its conditional UPDATE, which keeps the lock until commit)...
            await nodeA.ExecuteAsync(new CommandDefinition(
                "SELECT version_id FROM version_docs WHERE version_id = @id FOR UPDATE", new { id }, transaction, cancellationToken: Ct));

            // ...when node B (its own pool) asks for the same rebuild and waits on that lock.
            var nodeB = Db.Open().Docs.TryQueueBuildAsync(id, BuildJob(id), DocsQueueReason.Rebuild, T0, Ct);
            await Eventually.TrueAsync(async () => nodeB.IsCompleted || await WaitingOnALockAsync(),
                "node B's rebuild neither finished nor waited on node A's lock", cancellationToken: Ct);
            Assert.False(nodeB.IsCompleted, "node B's rebuild finished while node A still held the row");

            // A moves the row to queued, inserts its job and commits.
            await nodeA.ExecuteAsync(new CommandDefinition(
                "UPDATE version_docs SET build_status = 'queued', seq = seq + 1, build_queued_seq = seq + 1 WHERE version_id = @id",
                new { id }, transaction, cancellationToken: Ct));
            Assert.NotNull(await JobSql.InsertAsync(factory, nodeA, transaction, BuildJob(id), T0, Ct));
            await transaction.CommitAsync(Ct);
            Assert.False(await nodeB, "node B queued a second build of a version node A had just queued");
        }
        // The finished first build's job and A's: none of B's.
        Assert.Equal(2L, await nodeA.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM jobs WHERE dedup_key = @key", new { key }, cancellationToken: Ct)));
    }

    private async Task<bool> WaitingOnALockAsync() =>
        await Db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%version_docs%'", Ct) > 0;
}
