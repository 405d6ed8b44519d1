using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Organizations;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Per-organization webhook endpoints on both databases: listed by scope, resolved to the organizations an event is
/// about (owning the crate directly or through a team, or named by the event), and deleted with their organization.
/// </summary>
public abstract class OrgWebhookStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Endpoints_are_listed_by_scope_and_events_resolve_to_the_organizations_they_concern()
    {
        var webhooks = Db.Ports.Webhooks;
        var orgs = Db.Ports.Organizations;
        var alice = await CreateUserAsync("alice");
        var acme = (await orgs.CreateAsync("Acme", "acme", alice.Id, T0, Ct))!;
        var beta = (await orgs.CreateAsync("beta", "beta", alice.Id, T0, Ct))!;
        var core = (await orgs.CreateTeamAsync(beta.Id, "core", "core", T0, Ct))!;
        foreach (var crate in new[] { "acme_lib", "shared", "beta-core", "nobodys" }) await PublishAsync(NewVersion(crate, "1.0.0", alice.Id));
        var owners = Db.Ports.CrateGroupOwners;
        async Task<long> IdOf(string name) => (await Crates.FindAsync(name, Ct))!.Id;
        await owners.AddOrgAsync(await IdOf("acme-lib"), acme.Id, T0, Ct);
        await owners.AddOrgAsync(await IdOf("shared"), acme.Id, T0, Ct);
        await owners.AddOrgAsync(await IdOf("shared"), beta.Id, T0, Ct);
        await owners.AddTeamAsync(await IdOf("beta-core"), core.Id, T0, Ct);

        var global = await webhooks.CreateAsync(new NewWebhookEndpoint("https://hooks.example.com/all", "", [], [], ["whsec_AAAA"], true, T0), Ct);
        var ofAcme = await webhooks.CreateAsync(new NewWebhookEndpoint("https://hooks.example.com/acme", "", [], [], ["whsec_BBBB"], true, T0, OrgId: acme.Id), Ct);
        Assert.Null(global.OrgId);
        Assert.Equal(acme.Id, ofAcme.OrgId);
        Assert.Equal([global.Id], (await webhooks.ListAsync(null, Ct)).Select(e => e.Id));
        Assert.Equal([ofAcme.Id], (await webhooks.ListAsync(acme.Id, Ct)).Select(e => e.Id));
        Assert.Empty(await webhooks.ListAsync(beta.Id, Ct));
        Assert.Equal([global.Id, ofAcme.Id], (await webhooks.ListAsync(Ct)).Select(e => e.Id));

        // Crate names as events carry them (any case, - or _), organization names likewise.
        Assert.Equal([acme.Id], await webhooks.OrgIdsForEventAsync("Acme-Lib", null, Ct));
        Assert.Equal([acme.Id, beta.Id], (await webhooks.OrgIdsForEventAsync("shared", null, Ct)).Order());
        Assert.Equal([beta.Id], await webhooks.OrgIdsForEventAsync("beta_core", null, Ct));
        Assert.Empty(await webhooks.OrgIdsForEventAsync("nobodys", null, Ct));
        Assert.Equal([acme.Id], await webhooks.OrgIdsForEventAsync(null, "ACME", Ct));
        Assert.Equal([acme.Id, beta.Id], (await webhooks.OrgIdsForEventAsync("beta-core", "acme", Ct)).Order());
        Assert.Empty(await webhooks.OrgIdsForEventAsync(null, null, Ct));

        // The organization's endpoints go with it.
        await orgs.DeleteAsync(acme.Id, Ct);
        Assert.Null(await webhooks.FindAsync(ofAcme.Id, Ct));
        Assert.NotNull(await webhooks.FindAsync(global.Id, Ct));
    }
}

public abstract class OrgMemberEventTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task<List<(string Action, string? Role, string? Previous, string User)>> MemberEventsAsync() =>
        (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind)
            .Select(j => RegistryEvent.Parse(j.Payload))
            .Where(e => e.Type == RegistryEventTypes.OrgMemberChanged)
            .OrderBy(e => e.Timestamp)
            .Select(e => (e.Data.GetProperty("action").GetString()!, e.Data.GetProperty("role").GetString(), e.Data.GetProperty("previous_role").GetString(), e.Data.GetProperty("user").GetString()!))
            .ToList();

    [Fact]
    public async Task Joining_changing_role_and_leaving_write_one_event_each_in_the_same_transaction()
    {
        var orgs = Db.Ports.Organizations;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var acme = (await orgs.CreateAsync("acme", "acme", alice.Id, T0, Ct))!;
        Assert.Empty(await MemberEventsAsync());

        var invitation = (await orgs.InviteAsync(acme.Id, bob.Id, OrgRole.Member, alice.Id, T0, T0.AddDays(14), Ct))!;
        Assert.True(await orgs.AcceptInvitationAsync(invitation.Id, T0.AddSeconds(1), Ct));
        Assert.True(await orgs.SetRoleAsync(acme.Id, bob.Id, OrgRole.Member, T0.AddSeconds(2), Ct));
        Assert.True(await orgs.SetRoleAsync(acme.Id, bob.Id, OrgRole.Admin, T0.AddSeconds(3), Ct));
        Assert.True(await orgs.RemoveMemberAsync(acme.Id, bob.Id, T0.AddSeconds(4), Ct));
        Assert.False(await orgs.RemoveMemberAsync(acme.Id, bob.Id, T0.AddSeconds(5), Ct));
        Assert.False(await orgs.SetRoleAsync(acme.Id, bob.Id, OrgRole.Owner, T0.AddSeconds(6), Ct));

        // The unchanged role, the second removal and the role of a non-member write nothing.
        Assert.Equal(
            [("added", "member", null, "bob"), ("role_changed", "admin", "member", "bob"), ("removed", null, "admin", "bob")],
            await MemberEventsAsync());
    }
}

public sealed class SqliteOrgMemberEventTests(SqliteLane lane) : OrgMemberEventTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresOrgMemberEventTests(PostgresLane lane) : OrgMemberEventTests(lane), IClassFixture<PostgresLane>;

public sealed class SqliteOrgWebhookStoreTests(SqliteLane lane) : OrgWebhookStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresOrgWebhookStoreTests(PostgresLane lane) : OrgWebhookStoreTests(lane), IClassFixture<PostgresLane>;
