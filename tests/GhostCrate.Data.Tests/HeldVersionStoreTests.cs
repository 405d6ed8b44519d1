using System.Text;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Search;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The approval hold on both databases (docs/security.md "Approval hold"): a held version is stored but invisible to
/// every reader, approval makes it visible through the index file's change counter and crate.published, rejection
/// removes it (and a crate with nothing else) so the name and version can be published again.
/// </summary>
public abstract class HeldVersionStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private Core.Holds.IHeldVersionRepository Held => Db.Ports.HeldVersions;

    private async Task<IReadOnlyList<string>> EventTypesAsync() =>
        [.. (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind).OrderBy(j => j.Id).Select(j => RegistryEvent.Parse(j.Payload).Type)];

    private async Task<string?> IndexTextAsync(string canonical) =>
        await IndexFiles.FindAsync(canonical, Ct) is { } file ? Encoding.UTF8.GetString(file.Content) : null;

    private async Task<IReadOnlyList<string>> SearchAsync(string text) =>
        [.. (await Catalog.SearchAsync(SearchQuery.Parse(text), CrateSort.Relevance, 0, 50, Ct)).Crates.Select(c => c.Name)];

    [Fact]
    public async Task A_held_first_version_is_invisible_until_approved_then_in_the_index_with_a_higher_change_counter()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("other", "1.0.0", alice.Id));
        var before = (await IndexFiles.FindAsync("other", Ct))!.Seq;

        var write = await PublishAsync(NewVersion("held-tool", "1.0.0", alice.Id) with { HoldReason = "content flags: native-binary (bin/tool)" });
        Assert.Equal(Core.Crates.PublishWriteStatus.Published, write.Status);

        Assert.Null(await IndexTextAsync("held-tool"));
        Assert.Null(await Crates.FindVersionAsync("held-tool", "1.0.0", Ct));
        Assert.Null(await Crates.FindDownloadAsync("held-tool", "1.0.0", Ct));
        var crate = (await Crates.FindAsync("held-tool", Ct))!;
        Assert.Null(crate.MaxVersion);
        Assert.Empty(await Crates.ListVersionsAsync(crate.Id, Ct));
        Assert.Empty(await Catalog.ListVersionSummariesAsync(crate.Id, Ct));
        Assert.DoesNotContain("held-tool", await SearchAsync("held-tool"));
        Assert.Equal(1, (await Catalog.CountAsync(Ct)).Crates);
        Assert.Equal([RegistryEventTypes.CratePublished, RegistryEventTypes.VersionHeld], await EventTypesAsync());

        var listed = Assert.Single(await Held.ListAsync(Ct));
        Assert.Equal(("held-tool", "1.0.0", "content flags: native-binary (bin/tool)", "alice", true), (listed.Crate, listed.Version, listed.Reason, listed.PublishedBy, listed.NewCrate));
        Assert.True(await Held.IsHeldAsync("held-tool", "1.0.0", Ct));

        var approved = await Held.ApproveAsync("held-tool", "1.0.0", T0.AddMinutes(5), Ct);
        Assert.NotNull(approved);
        var file = (await IndexFiles.FindAsync("held-tool", Ct))!;
        Assert.Contains("\"vers\":\"1.0.0\"", Encoding.UTF8.GetString(file.Content));
        Assert.True(file.Seq > before);
        Assert.NotNull(await Crates.FindDownloadAsync("held-tool", "1.0.0", Ct));
        Assert.Equal("1.0.0", (await Crates.FindAsync("held-tool", Ct))!.MaxVersion);
        Assert.Contains("held-tool", await SearchAsync("held-tool"));
        Assert.Empty(await Held.ListAsync(Ct));
        Assert.Equal([RegistryEventTypes.CratePublished, RegistryEventTypes.VersionHeld, RegistryEventTypes.CratePublished], await EventTypesAsync());

        // A second approval finds nothing to approve.
        Assert.Null(await Held.ApproveAsync("held-tool", "1.0.0", T0.AddMinutes(6), Ct));
    }

    [Fact]
    public async Task A_held_later_version_leaves_the_crate_as_it_was_and_a_rejection_lets_it_be_published_again()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("widget", "1.0.0", alice.Id, description: "the widget"));
        var indexBefore = await IndexTextAsync("widget");

        await PublishAsync(NewVersion("widget", "1.1.0", alice.Id, description: "now with a prebuilt binary") with { HoldReason = "content flags: native-binary (lib.so)" });
        Assert.Equal(indexBefore, await IndexTextAsync("widget"));
        var crate = (await Crates.FindAsync("widget", Ct))!;
        Assert.Equal(("1.0.0", "the widget"), (crate.MaxVersion, crate.Description));
        Assert.Equal(["1.0.0"], (await Crates.ListVersionsAsync(crate.Id, Ct)).Select(v => v.Version));
        Assert.Null(await Crates.FindDownloadAsync("widget", "1.1.0", Ct));
        Assert.False(Assert.Single(await Held.ListForCrateAsync("widget", Ct)).NewCrate);
        // The held version cannot be yanked: for everyone but the reviewers it does not exist.
        Assert.False(await Crates.SetYankedAsync("widget", "1.1.0", true, T0.AddMinutes(1), Ct));

        var rejected = await Held.RejectAsync("widget", "1.1.0", Ct);
        Assert.NotNull(rejected);
        Assert.False(rejected.CrateRemoved);
        Assert.False(await Held.IsHeldAsync("widget", "1.1.0", Ct));
        Assert.Equal(indexBefore, await IndexTextAsync("widget"));
        Assert.Null(await Held.RejectAsync("widget", "1.1.0", Ct));

        // Nothing of it is left: the same version can be published again, and this time it is visible.
        var again = await PublishAsync(NewVersion("widget", "1.1.0", alice.Id));
        Assert.Equal(Core.Crates.PublishWriteStatus.Published, again.Status);
        Assert.Contains("\"vers\":\"1.1.0\"", await IndexTextAsync("widget"));
    }

    [Fact]
    public async Task Rejecting_a_held_first_version_removes_the_crate_so_another_user_may_take_the_name()
    {
        var squatter = await CreateUserAsync("squatter");
        var bob = await CreateUserAsync("bob");
        await PublishAsync(NewVersion("serde-jsn", "0.1.0", squatter.Id) with { HoldReason = "name close to `serde_json` (one character left out)" });

        // Reserved for its publisher while held.
        Assert.Equal(Core.Crates.PublishWriteStatus.NotOwner, (await PublishAsync(NewVersion("serde-jsn", "0.2.0", bob.Id))).Status);

        var rejected = await Held.RejectAsync("serde-jsn", "0.1.0", Ct);
        Assert.True(rejected!.CrateRemoved);
        Assert.Null(await Crates.FindAsync("serde-jsn", Ct));

        var taken = await PublishAsync(NewVersion("serde-jsn", "0.1.0", bob.Id));
        Assert.Equal((Core.Crates.PublishWriteStatus.Published, true), (taken.Status, taken.CrateCreated));
        Assert.True(await Owners.IsOwnerAsync((await Crates.FindAsync("serde-jsn", Ct))!.Id, bob.Id, Ct));
        Assert.False(await Owners.IsOwnerAsync((await Crates.FindAsync("serde-jsn", Ct))!.Id, squatter.Id, Ct));
    }
}

public sealed class SqliteHeldVersionStoreTests(SqliteLane lane) : HeldVersionStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresHeldVersionStoreTests(PostgresLane lane) : HeldVersionStoreTests(lane), IClassFixture<PostgresLane>;
