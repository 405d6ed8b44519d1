using GhostCrate.Core.Notifications;
using GhostCrate.Core.Organizations;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Handing a crate to an organization (issue 23) as one transaction: the organization is added, the user owners are
/// removed (or kept), each change has its owners.changed event, and concurrent transfers never leave a crate ownerless.
/// </summary>
public abstract class CrateTransferTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private ICrateTransferRepository Transfers => Db.Ports.CrateTransfers;
    private ICrateGroupOwnerRepository Groups => Db.Ports.CrateGroupOwners;

    [Fact]
    public async Task A_transfer_adds_the_organization_removes_the_users_and_queues_their_events()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        await PublishAsync(NewVersion("Moving", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("moving", Ct))!;
        await Owners.AddAsync(crate.Id, bob.Id, T0, Ct);
        var org = (await Db.Ports.Organizations.CreateAsync("Acme", "acme", alice.Id, T0, Ct))!;

        var outcome = await Transfers.TransferAsync(crate.Id, org.Id, keepUserOwners: false, T0.AddMinutes(1), Ct);

        Assert.Equal(("Moving", "Acme", true), (outcome!.Crate, outcome.Org, outcome.OrgAdded));
        Assert.Equal(["alice", "bob"], outcome.RemovedUsers);
        Assert.Empty(await Owners.ListAsync(crate.Id, Ct));
        Assert.Equal([org.Id], (await Groups.ListAsync(crate.Id, Ct)).Select(g => g.OrgId));
        // bob's addition above made one owners.changed event too; the transfer's are the ones after it.
        var events = (await Db.Ports.Jobs.ListAsync(null, 1000, Ct)).Where(j => j.Kind == RegistryEvent.JobKind)
            .Select(j => RegistryEvent.Parse(j.Payload)).Where(e => e.Type == RegistryEventTypes.OwnersChanged && e.Timestamp > T0).ToList();
        var changes = events.Select(e => $"{e.Data.GetProperty("action").GetString()} {e.Data.GetProperty("user").GetString()}").Order().ToList();
        Assert.Equal(["added org:Acme", "removed alice", "removed bob"], changes);
        // The organization still grants its owner the crate: alice can act through it.
        Assert.Equal([OrgRole.Owner], (await Groups.GetGrantsAsync(crate.Id, alice.Id, Ct)).OrgRoles);
    }

    [Fact]
    public async Task Keeping_the_owners_only_adds_the_organization_and_a_repeat_changes_nothing()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("kept", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("kept", Ct))!;
        var org = (await Db.Ports.Organizations.CreateAsync("acme", "acme", alice.Id, T0, Ct))!;

        var first = await Transfers.TransferAsync(crate.Id, org.Id, keepUserOwners: true, T0, Ct);
        Assert.True(first!.OrgAdded);
        Assert.Empty(first.RemovedUsers);
        Assert.Single(await Owners.ListAsync(crate.Id, Ct));

        var again = await Transfers.TransferAsync(crate.Id, org.Id, keepUserOwners: true, T0, Ct);
        Assert.False(again!.OrgAdded);
        Assert.Single(await Groups.ListAsync(crate.Id, Ct));
        Assert.Null(await Transfers.TransferAsync(987654, org.Id, false, T0, Ct));
    }

    [Fact]
    public async Task Concurrent_transfers_to_two_organizations_leave_both_as_owners_and_no_user()
    {
        var alice = await CreateUserAsync("alice");
        var org1 = (await Db.Ports.Organizations.CreateAsync("one", "one", alice.Id, T0, Ct))!;
        var org2 = (await Db.Ports.Organizations.CreateAsync("two", "two", alice.Id, T0, Ct))!;
        for (var i = 0; i < 5; i++)
        {
            await PublishAsync(NewVersion($"race-{i}", "1.0.0", alice.Id));
            var crate = (await Crates.FindAsync($"race-{i}", Ct))!;
            var results = await Task.WhenAll(
                Transfers.TransferAsync(crate.Id, org1.Id, false, T0, Ct),
                Transfers.TransferAsync(crate.Id, org2.Id, false, T0, Ct));

            Assert.All(results, r => Assert.True(r!.OrgAdded));
            // The user was removed exactly once: the second transaction saw the first one's commit.
            Assert.Equal(1, results.Sum(r => r!.RemovedUsers.Count));
            Assert.Empty(await Owners.ListAsync(crate.Id, Ct));
            Assert.Equal([org1.Id, org2.Id], (await Groups.ListAsync(crate.Id, Ct)).Select(g => g.OrgId).Order());
        }
    }
}

public sealed class SqliteCrateTransferTests(SqliteLane lane) : CrateTransferTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresCrateTransferTests(PostgresLane lane) : CrateTransferTests(lane), IClassFixture<PostgresLane>;
