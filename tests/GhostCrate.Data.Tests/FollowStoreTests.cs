using GhostCrate.Core.Crates;
using GhostCrate.Core.Deletion;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Options;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Follows of crates and organizations on both databases (migration 0026): idempotent adds and removes, the list with
/// display names, followers found by any spelling of a crate name and through the organizations (or teams) that own
/// it or owned a deleted crate, and follows ending with their organization, their user, or their crate's deletion.
/// </summary>
public abstract class FollowStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Follows_are_idempotent_listed_and_resolve_to_followers_directly_and_through_organizations()
    {
        var follows = Db.Ports.Follows;
        var orgs = Db.Ports.Organizations;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var carol = await CreateUserAsync("carol");
        var acme = (await orgs.CreateAsync("Acme", "acme", alice.Id, T0, Ct))!;
        var beta = (await orgs.CreateAsync("beta", "beta", alice.Id, T0, Ct))!;
        var core = (await orgs.CreateTeamAsync(beta.Id, "core", "core", T0, Ct))!;
        foreach (var crate in new[] { "Follow_Me", "beta-core" }) await PublishAsync(NewVersion(crate, "1.0.0", alice.Id));
        await Db.Ports.CrateGroupOwners.AddOrgAsync((await Crates.FindAsync("follow-me", Ct))!.Id, acme.Id, T0, Ct);
        await Db.Ports.CrateGroupOwners.AddTeamAsync((await Crates.FindAsync("beta-core", Ct))!.Id, core.Id, T0, Ct);

        Assert.True(await follows.FollowCrateAsync(bob.Id, "follow-me", T0, Ct));
        Assert.False(await follows.FollowCrateAsync(bob.Id, "follow-me", T0.AddMinutes(1), Ct));
        Assert.True(await follows.FollowCrateAsync(bob.Id, "gone-crate", T0, Ct));
        Assert.True(await follows.FollowOrgAsync(carol.Id, acme.Id, T0, Ct));
        Assert.False(await follows.FollowOrgAsync(carol.Id, acme.Id, T0, Ct));
        Assert.True(await follows.FollowOrgAsync(bob.Id, beta.Id, T0, Ct));

        var bobs = await follows.ListAsync(bob.Id, Ct);
        Assert.Equal([("Follow_Me", T0), ("gone-crate", T0)], bobs.Crates.Select(c => (c.Name, c.Since)));
        Assert.Equal(["beta"], bobs.Orgs.Select(o => o.Name));
        Assert.Equal([bob.Id], await follows.CrateFollowerIdsAsync("follow-me", Ct));
        Assert.Equal([carol.Id], await follows.OrgFollowerIdsAsync("follow-me", [], Ct));
        Assert.Equal([bob.Id], await follows.OrgFollowerIdsAsync("beta-core", [], Ct));
        // A deleted crate has no owner rows left: its event names the organizations that owned it.
        Assert.Empty(await follows.OrgFollowerIdsAsync("gone-crate", [], Ct));
        Assert.Equal([bob.Id, carol.Id], await follows.OrgFollowerIdsAsync("gone-crate", ["ACME", "beta", "nobody"], Ct));
        // The pages' one-row checks agree with the lists.
        Assert.True(await follows.FollowsCrateAsync(bob.Id, "follow-me", Ct));
        Assert.False(await follows.FollowsCrateAsync(carol.Id, "follow-me", Ct));
        Assert.True(await follows.FollowsOrgAsync(carol.Id, "acme", Ct));
        Assert.False(await follows.FollowsOrgAsync(bob.Id, "acme", Ct));

        Assert.True(await follows.UnfollowCrateAsync(bob.Id, "follow-me", Ct));
        Assert.False(await follows.UnfollowCrateAsync(bob.Id, "follow-me", Ct));
        Assert.Empty(await follows.CrateFollowerIdsAsync("follow-me", Ct));
        Assert.False(await follows.FollowsCrateAsync(bob.Id, "follow-me", Ct));
        Assert.True(await follows.UnfollowOrgAsync(bob.Id, beta.Id, Ct));
        Assert.False(await follows.UnfollowOrgAsync(bob.Id, beta.Id, Ct));

        // Deleting the organization ends its follows.
        await orgs.DeleteAsync(acme.Id, Ct);
        Assert.Empty((await follows.ListAsync(carol.Id, Ct)).Orgs);
        Assert.Equal(0, await Db.CountRowsAsync("org_follows", Ct));
    }

    [Fact]
    public async Task Deleting_a_crate_ends_its_follows_in_its_transaction_and_only_its_event_still_finds_them()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var carol = await CreateUserAsync("carol");
        var follows = Db.Ports.Follows;
        await PublishAsync(NewVersion("Doomed", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("Doomed", "1.1.0", alice.Id));
        await PublishAsync(NewVersion("kept", "1.0.0", alice.Id));
        foreach (var user in new[] { bob, carol }) Assert.True(await follows.FollowCrateAsync(user.Id, "doomed", T0, Ct));
        Assert.True(await follows.FollowCrateAsync(bob.Id, "kept", T0, Ct));

        // A version's deletion leaves the crate, and so its follows.
        var versionEvent = await DeleteAsync("doomed", "1.1.0");
        Assert.Equal([bob.Id, carol.Id], await follows.CrateFollowerIdsAsync("doomed", Ct));
        Assert.Empty(await follows.EndedFollowerIdsAsync(versionEvent, Ct));

        // A deletion that fails at its last step (an injected error on the index file's removal) ends nothing.
        await InjectFailureOnIndexFileRemovalAsync(true);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Db.Ports.Deletions.DeleteAsync(Request("doomed", null), Ct));
        await InjectFailureOnIndexFileRemovalAsync(false);
        Assert.NotNull(await Crates.FindAsync("doomed", Ct));
        Assert.Equal([bob.Id, carol.Id], await follows.CrateFollowerIdsAsync("doomed", Ct));
        Assert.Equal(0, await Db.CountRowsAsync("ended_crate_follows", Ct));

        // The whole crate's deletion ends both follows with it: gone from the lists and the followers, kept only for its event.
        var crateEvent = await DeleteAsync("doomed", null);
        Assert.Empty(await follows.CrateFollowerIdsAsync("doomed", Ct));
        Assert.False(await follows.FollowsCrateAsync(bob.Id, "doomed", Ct));
        Assert.Equal(["kept"], (await follows.ListAsync(bob.Id, Ct)).Crates.Select(c => c.Name));
        Assert.Empty((await follows.ListAsync(carol.Id, Ct)).Crates);
        Assert.Equal([bob.Id, carol.Id], await follows.EndedFollowerIdsAsync(crateEvent, Ct));
        Assert.Empty(await follows.EndedFollowerIdsAsync(versionEvent, Ct));
        Assert.Equal([bob.Id], await follows.CrateFollowerIdsAsync("kept", Ct));

        // The crate published again under the name (by its former owner) has no followers.
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("Doomed", "2.0.0", alice.Id))).Status);
        Assert.Empty(await follows.CrateFollowerIdsAsync("doomed", Ct));

        // Ended follows are forgotten after their time (follows.prune).
        Assert.Equal(0, await follows.PruneEndedAsync(T0.AddDays(1), Ct));
        Assert.Equal(2, await follows.PruneEndedAsync(T0.AddDays(1).AddMilliseconds(1), Ct));
        Assert.Empty(await follows.EndedFollowerIdsAsync(crateEvent, Ct));
    }

    private static DeletionRequest Request(string canonical, string? version) =>
        new(canonical, version, version is null ? null : Protocol.Versioning.SemVersion.Parse(version).Key, "alice", null, T0.AddDays(1));

    /// <summary>Deletes through the repository and answers the id of the crate.deleted event it wrote.</summary>
    private async Task<string> DeleteAsync(string canonical, string? version)
    {
        Assert.NotNull(await Db.Ports.Deletions.DeleteAsync(Request(canonical, version), Ct));
        var events = (await Db.Ports.Jobs.ListAsync(null, 500, Ct)).Where(j => j.Kind == RegistryEvent.JobKind).Select(j => RegistryEvent.Parse(j.Payload));
        return events.Single(e => e.Type == RegistryEventTypes.CrateDeleted && e.Data.GetProperty("version").GetString() == version).Id;
    }

    private Task InjectFailureOnIndexFileRemovalAsync(bool on) => (Lane.Provider, on) switch
    {
        (DatabaseProvider.Sqlite, true) => Db.ExecuteAsync("CREATE TRIGGER fail_removal BEFORE INSERT ON index_file_removals BEGIN SELECT RAISE(ABORT, 'injected failure'); END", Ct),
        (DatabaseProvider.Sqlite, false) => Db.ExecuteAsync("DROP TRIGGER fail_removal", Ct),
        (_, true) => Db.ExecuteAsync(
            """
            CREATE FUNCTION fail_removal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
            CREATE TRIGGER fail_removal BEFORE INSERT ON index_file_removals FOR EACH ROW EXECUTE FUNCTION fail_removal();
            """, Ct),
        _ => Db.ExecuteAsync("DROP TRIGGER fail_removal ON index_file_removals; DROP FUNCTION fail_removal();", Ct),
    };

    [Fact]
    public async Task Two_nodes_following_at_once_store_one_follow()
    {
        var bob = await CreateUserAsync("bob");
        var nodes = new[] { Db.Open(), Db.Open(), Db.Open() };
        var added = await Task.WhenAll(nodes.Select(n => n.Follows.FollowCrateAsync(bob.Id, "race", T0, Ct)));
        Assert.Equal(1, added.Count(a => a));
        Assert.Equal(1, await Db.CountRowsAsync("crate_follows", Ct));
    }
}

public sealed class SqliteFollowStoreTests(SqliteLane lane) : FollowStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresFollowStoreTests(PostgresLane lane) : FollowStoreTests(lane), IClassFixture<PostgresLane>;
