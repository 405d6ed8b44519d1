using GhostCrate.Core.Docs;
using GhostCrate.Core.Jobs;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The builder's state on version_docs (0014) on both databases: the compare-and-set moves (queued after a publish
/// only once, building only from queued, rebuild only when idle or stale) that keep two nodes from building one
/// version twice, and the log kept with the result.
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

    [Fact]
    public async Task A_published_version_is_queued_once_built_once_and_its_result_and_log_kept()
    {
        var id = await VersionIdAsync("built");
        Assert.Null(await Docs.FindAsync(id, Ct));

        Assert.True(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        // A fan-out that runs again may finish its own enqueue (dedup keeps the job single), so queued stays queuable.
        Assert.True(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(id, Ct))!.BuildStatus);
        // An owner's rebuild of a queued version would queue a second build: refused.
        Assert.False(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Rebuild, T0, T0.AddHours(-1), Ct));

        Assert.NotNull(await Docs.TryStartBuildAsync(id, "1.95.0", T0.AddSeconds(1), Ct));
        // While it builds, neither another publish fan-out nor a rebuild queues it again.
        Assert.False(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Publish, T0.AddSeconds(2), T0.AddHours(-1), Ct));
        Assert.False(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(2), T0.AddHours(-1), Ct));

        var log = "   Compiling built v1.0.0\n" + new string('é', 3000);
        await Docs.FinishBuildAsync(id, DocsBuildStatus.Built, log, T0.AddSeconds(3), Ct);
        var row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Built, row.BuildStatus);
        Assert.Equal(log, row.BuildLog);
        Assert.Equal("1.95.0", row.BuildToolchain);
        Assert.Equal(T0.AddSeconds(3), row.BuildUpdatedAt);

        // Built: no second build after a publish, and a job that runs late does not start one.
        Assert.False(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Publish, T0.AddSeconds(4), T0.AddHours(-1), Ct));
        Assert.Null(await Docs.TryStartBuildAsync(id, "1.95.0", T0.AddSeconds(4), Ct));
        // An owner's rebuild does.
        Assert.True(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(5), T0.AddHours(-1), Ct));
        var requeued = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Queued, requeued.BuildStatus);
        Assert.Null(requeued.BuildLog);
    }

    [Fact]
    public async Task Uploaded_docs_are_not_replaced_by_a_publish_build_and_a_stale_build_can_be_rebuilt()
    {
        var uploaded = await VersionIdAsync("uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen1", 3, 300, "upload", null, T0), null, Ct);
        Assert.False(await Docs.TryQueueBuildAsync(uploaded, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        Assert.Null((await Docs.FindAsync(uploaded, Ct))!.BuildStatus);

        var stuck = await VersionIdAsync("stuck");
        Assert.True(await Docs.TryQueueBuildAsync(stuck, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        Assert.NotNull(await Docs.TryStartBuildAsync(stuck, "stable", T0, Ct));
        // Its node died: "building" never moves again. Before the stale line it is protected, after it a rebuild may take over.
        Assert.False(await Docs.TryQueueBuildAsync(stuck, DocsQueueReason.Rebuild, T0.AddMinutes(5), staleBefore: T0.AddMinutes(-1), Ct));
        Assert.True(await Docs.TryQueueBuildAsync(stuck, DocsQueueReason.Rebuild, T0.AddHours(2), staleBefore: T0.AddMinutes(1), Ct));
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(stuck, Ct))!.BuildStatus);
    }

    private async Task<long> BuiltAsync(string name, string toolchain, DocsBuildStatus result, string log = "log")
    {
        var id = await VersionIdAsync(name);
        Assert.True(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        Assert.NotNull(await Docs.TryStartBuildAsync(id, toolchain, T0, Ct));
        await Docs.FinishBuildAsync(id, result, log, T0.AddSeconds(1), Ct);
        if (result == DocsBuildStatus.Built) await Docs.SwapAsync(id, new DocsGeneration($"gen-{name}", 1, 10, "build", null, T0.AddSeconds(1)), null, Ct);
        return id;
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
        Assert.True(await Docs.TryQueueBuildAsync(queuedOnly, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
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
        Assert.False(await Docs.TryQueueBuildAsync(id, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(3), T0.AddHours(-1), Ct));
        Assert.Equal(DocsBuildStatus.Built, (await Docs.FindAsync(id, Ct))!.BuildStatus);

        var built = await BuiltAsync("rb-kept", "1.90.0", DocsBuildStatus.Built);
        Assert.True(await Docs.TryQueueBuildAsync(built, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(3), T0.AddHours(-1), Ct));
        var never = await VersionIdAsync("rb-new");
        Assert.True(await Docs.TryQueueBuildAsync(never, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(3), T0.AddHours(-1), Ct));
        // An explicit rebuild of the one version (owners, administrators) replaces its upload...
        Assert.True(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(4), T0.AddHours(-1), Ct));
        var ticket = await Docs.TryStartBuildAsync(id, "stable", T0.AddSeconds(4), Ct);
        Assert.NotNull(ticket);
        var replaced = await Docs.SwapAsync(id, new DocsGeneration("gen-rebuilt", 1, 10, "build", null, T0.AddSeconds(5)), buildTicket: ticket, Ct);
        Assert.Equal(new DocsSwapResult(true, "gen-upload"), replaced);
        await Docs.FinishBuildAsync(id, DocsBuildStatus.Built, "log", T0.AddSeconds(5), Ct);

        // ...but not docs uploaded while the build was queued: the newer upload wins, the row is unchanged. The ticket is
        // the queue's place, so a build that starts after the upload still loses to it.
        Assert.True(await Docs.TryQueueBuildAsync(id, DocsQueueReason.Rebuild, T0.AddSeconds(6), T0.AddHours(-1), Ct));
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
        Assert.True(await Docs.TryQueueBuildAsync(keptId, DocsQueueReason.Rebuild, nodeA, nodeA.AddHours(-1), Ct));
        var ticket = await Docs.TryStartBuildAsync(keptId, "stable", nodeA.AddSeconds(1), Ct);
        await Docs.SwapAsync(keptId, new DocsGeneration("gen-b-upload", 1, 10, "upload", null, nodeB.AddSeconds(2)), null, Ct);
        Assert.Equal(new DocsSwapResult(false, null), await Docs.SwapAsync(keptId, new DocsGeneration("gen-a-build", 1, 10, "build", null, nodeA.AddSeconds(3)), buildTicket: ticket, Ct));
        Assert.Equal(("gen-b-upload", "upload"), ((await Docs.FindAsync(keptId, Ct))!.Generation, (await Docs.FindAsync(keptId, Ct))!.Source));

        // The other way round: A takes an upload (A's clock says later), then B queues an owner's rebuild. The rebuild
        // was asked for after the upload, so it replaces it.
        var replacedId = await VersionIdAsync("clock-replaced");
        await Docs.SwapAsync(replacedId, new DocsGeneration("gen-a-upload", 1, 10, "upload", null, nodeA), null, Ct);
        Assert.True(await Docs.TryQueueBuildAsync(replacedId, DocsQueueReason.Rebuild, nodeB.AddSeconds(1), nodeB.AddHours(-1), Ct));
        var later = await Docs.TryStartBuildAsync(replacedId, "stable", nodeB.AddSeconds(2), Ct);
        Assert.Equal(new DocsSwapResult(true, "gen-a-upload"), await Docs.SwapAsync(replacedId, new DocsGeneration("gen-b-build", 1, 10, "build", null, nodeB.AddSeconds(3)), buildTicket: later, Ct));
        Assert.Equal(("gen-b-build", "build"), ((await Docs.FindAsync(replacedId, Ct))!.Generation, (await Docs.FindAsync(replacedId, Ct))!.Source));
    }

    [Fact]
    public async Task A_batch_is_queued_with_one_job_per_version_it_marks_and_none_for_versions_already_queued_or_uploaded()
    {
        var built = await BuiltAsync("batch-built", "1.90.0", DocsBuildStatus.Built);
        var queued = await VersionIdAsync("batch-queued");
        Assert.True(await Docs.TryQueueBuildAsync(queued, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        var uploaded = await VersionIdAsync("batch-uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen-up", 1, 10, "upload", null, T0), null, Ct);
        var never = await VersionIdAsync("batch-never");
        var targets = (await Docs.ListRebuildTargetsAsync(null, includeUploaded: true, 0, 100, Ct)).Where(t => t.Crate.StartsWith("batch-", StringComparison.Ordinal)).ToList();
        Assert.Equal([built, queued, uploaded, never], targets.Select(t => t.VersionId));

        static NewJob JobFor(DocsBuildTarget target) => new("docs.build.test", target.Crate, DedupKey: $"docs.build.test:{target.Crate}");
        Assert.Equal(2, await Docs.QueueBuildsAsync(targets, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(5), T0.AddHours(-1), JobFor, Ct));
        var jobs = (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct)).Where(j => j.Kind == "docs.build.test").Select(j => j.Payload).Order(StringComparer.Ordinal);
        Assert.Equal(["batch-built", "batch-never"], jobs);
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(built, Ct))!.BuildStatus);
        Assert.Null((await Docs.FindAsync(uploaded, Ct))!.BuildStatus);
        // The same batch again (a second pass of the job, on another node): every version is queued already.
        Assert.Equal(0, await Docs.QueueBuildsAsync(targets, DocsQueueReason.RebuildKeepingUploads, T0.AddSeconds(6), T0.AddHours(-1), JobFor, Ct));
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
        var failed = await BuiltAsync("ct-failed", "1.90.0", DocsBuildStatus.Failed, longLog);
        await BuiltAsync("ct-short", "stable", DocsBuildStatus.Failed, "short log");
        await Docs.FinishBuildAsync(failed, DocsBuildStatus.Failed, longLog, T0.AddMinutes(1), Ct); // the newest failure
        var uploaded = await VersionIdAsync("ct-uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen-up", 1, 10, "upload", null, T0), null, Ct);
        var queued = await VersionIdAsync("ct-queued");
        Assert.True(await Docs.TryQueueBuildAsync(queued, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
        var building = await VersionIdAsync("ct-building");
        Assert.True(await Docs.TryQueueBuildAsync(building, DocsQueueReason.Publish, T0, T0.AddHours(-1), Ct));
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

public sealed class PostgresDocsBuildStateTests(PostgresLane lane) : DocsBuildStateTests(lane), IClassFixture<PostgresLane>;
