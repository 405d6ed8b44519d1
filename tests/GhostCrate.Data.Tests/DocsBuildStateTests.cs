using GhostCrate.Core.Docs;
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

        Assert.True(await Docs.TryQueueBuildAsync(id, rebuild: false, T0, T0.AddHours(-1), Ct));
        // A fan-out that runs again may finish its own enqueue (dedup keeps the job single), so queued stays queuable.
        Assert.True(await Docs.TryQueueBuildAsync(id, rebuild: false, T0, T0.AddHours(-1), Ct));
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(id, Ct))!.BuildStatus);
        // An owner's rebuild of a queued version would queue a second build: refused.
        Assert.False(await Docs.TryQueueBuildAsync(id, rebuild: true, T0, T0.AddHours(-1), Ct));

        Assert.True(await Docs.TryStartBuildAsync(id, "1.95.0", T0.AddSeconds(1), Ct));
        // While it builds, neither another publish fan-out nor a rebuild queues it again.
        Assert.False(await Docs.TryQueueBuildAsync(id, rebuild: false, T0.AddSeconds(2), T0.AddHours(-1), Ct));
        Assert.False(await Docs.TryQueueBuildAsync(id, rebuild: true, T0.AddSeconds(2), T0.AddHours(-1), Ct));

        var log = "   Compiling built v1.0.0\n" + new string('é', 3000);
        await Docs.FinishBuildAsync(id, DocsBuildStatus.Built, log, T0.AddSeconds(3), Ct);
        var row = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Built, row.BuildStatus);
        Assert.Equal(log, row.BuildLog);
        Assert.Equal("1.95.0", row.BuildToolchain);
        Assert.Equal(T0.AddSeconds(3), row.BuildUpdatedAt);

        // Built: no second build after a publish, and a job that runs late does not start one.
        Assert.False(await Docs.TryQueueBuildAsync(id, rebuild: false, T0.AddSeconds(4), T0.AddHours(-1), Ct));
        Assert.False(await Docs.TryStartBuildAsync(id, "1.95.0", T0.AddSeconds(4), Ct));
        // An owner's rebuild does.
        Assert.True(await Docs.TryQueueBuildAsync(id, rebuild: true, T0.AddSeconds(5), T0.AddHours(-1), Ct));
        var requeued = (await Docs.FindAsync(id, Ct))!;
        Assert.Equal(DocsBuildStatus.Queued, requeued.BuildStatus);
        Assert.Null(requeued.BuildLog);
    }

    [Fact]
    public async Task Uploaded_docs_are_not_replaced_by_a_publish_build_and_a_stale_build_can_be_rebuilt()
    {
        var uploaded = await VersionIdAsync("uploaded");
        await Docs.SwapAsync(uploaded, new DocsGeneration("gen1", 3, 300, "upload", null, T0), Ct);
        Assert.False(await Docs.TryQueueBuildAsync(uploaded, rebuild: false, T0, T0.AddHours(-1), Ct));
        Assert.Null((await Docs.FindAsync(uploaded, Ct))!.BuildStatus);

        var stuck = await VersionIdAsync("stuck");
        Assert.True(await Docs.TryQueueBuildAsync(stuck, rebuild: false, T0, T0.AddHours(-1), Ct));
        Assert.True(await Docs.TryStartBuildAsync(stuck, "stable", T0, Ct));
        // Its node died: "building" never moves again. Before the stale line it is protected, after it a rebuild may take over.
        Assert.False(await Docs.TryQueueBuildAsync(stuck, rebuild: true, T0.AddMinutes(5), staleBefore: T0.AddMinutes(-1), Ct));
        Assert.True(await Docs.TryQueueBuildAsync(stuck, rebuild: true, T0.AddHours(2), staleBefore: T0.AddMinutes(1), Ct));
        Assert.Equal(DocsBuildStatus.Queued, (await Docs.FindAsync(stuck, Ct))!.BuildStatus);
    }

    [Fact]
    public async Task Rebuild_all_lists_versions_built_with_another_toolchain_page_by_page_and_never_uploaded_docs()
    {
        async Task<long> BuiltAsync(string name, string toolchain, DocsBuildStatus result)
        {
            var id = await VersionIdAsync(name);
            Assert.True(await Docs.TryQueueBuildAsync(id, rebuild: false, T0, T0.AddHours(-1), Ct));
            Assert.True(await Docs.TryStartBuildAsync(id, toolchain, T0, Ct));
            await Docs.FinishBuildAsync(id, result, "log", T0.AddSeconds(1), Ct);
            if (result == DocsBuildStatus.Built) await Docs.SwapAsync(id, new DocsGeneration($"gen-{name}", 1, 10, "build", null, T0.AddSeconds(1)), Ct);
            return id;
        }

        var old = await BuiltAsync("rb-old", "1.90.0", DocsBuildStatus.Built);
        var oldFailed = await BuiltAsync("rb-old-failed", "1.90.0", DocsBuildStatus.Failed);
        var current = await BuiltAsync("rb-current", "stable", DocsBuildStatus.Built);
        var reuploaded = await BuiltAsync("rb-reuploaded", "1.90.0", DocsBuildStatus.Built);
        await Docs.SwapAsync(reuploaded, new DocsGeneration("gen-upload", 1, 10, "upload", null, T0.AddSeconds(2)), Ct);
        var queuedOnly = await VersionIdAsync("rb-queued");
        Assert.True(await Docs.TryQueueBuildAsync(queuedOnly, rebuild: false, T0, T0.AddHours(-1), Ct));
        var never = await VersionIdAsync("rb-never");
        long[] mine = [old, oldFailed, current, reuploaded, queuedOnly, never];

        async Task<List<DocsBuildTarget>> AllAsync(string? otherThan)
        {
            // Pages of one row: the keyset (version id) walks every row exactly once.
            var all = new List<DocsBuildTarget>();
            long after = 0;
            while (await Docs.ListBuiltAsync(otherThan, after, 1, Ct) is { Count: 1 } page)
            {
                all.Add(page[0]);
                after = page[0].VersionId;
            }
            return [.. all.Where(t => mine.Contains(t.VersionId))];
        }

        var outdated = await AllAsync("stable");
        Assert.Equal([old, oldFailed], outdated.Select(t => t.VersionId));
        Assert.Equal(new DocsBuildTarget(old, "rb-old", "rb-old", "1.0.0"), outdated[0]);
        Assert.Equal([old, oldFailed, current], (await AllAsync(null)).Select(t => t.VersionId));
    }
}

public sealed class SqliteDocsBuildStateTests(SqliteLane lane) : DocsBuildStateTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDocsBuildStateTests(PostgresLane lane) : DocsBuildStateTests(lane), IClassFixture<PostgresLane>;
