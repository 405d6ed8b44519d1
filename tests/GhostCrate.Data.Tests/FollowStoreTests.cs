using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Follows of crates and organizations on both databases (migration 0026): idempotent adds and removes, the list with
/// display names, followers found by any spelling of a crate name and through the organizations (or teams) that own
/// it or owned a deleted crate, and follows ending with their organization or user.
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
        Assert.Equal([("Follow_Me", T0, true), ("gone-crate", T0, false)], bobs.Crates.Select(c => (c.Name, c.Since, c.Exists)));
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
