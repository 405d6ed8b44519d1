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
}

public sealed class SqliteDocsBuildStateTests(SqliteLane lane) : DocsBuildStateTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDocsBuildStateTests(PostgresLane lane) : DocsBuildStateTests(lane), IClassFixture<PostgresLane>;
