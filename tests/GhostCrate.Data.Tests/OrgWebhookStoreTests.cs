using GhostCrate.Core.Notifications;
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

public sealed class SqliteOrgWebhookStoreTests(SqliteLane lane) : OrgWebhookStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresOrgWebhookStoreTests(PostgresLane lane) : OrgWebhookStoreTests(lane), IClassFixture<PostgresLane>;
