using Dapper;
using GhostCrate.Core.Crates;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.Data.Tests;

/// <summary>crate_owner_invitations (migration 0031) on both databases: invite, list, accept, decline, expiry, two nodes.</summary>
public abstract class OwnerInvitationStoreTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    protected IOwnerInvitationRepository Invitations => Db.Ports.OwnerInvitations;

    protected async Task<(long Crate, long Alice, long Bob)> WorldAsync()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        await PublishAsync(NewVersion("shared", "1.0.0", alice.Id));
        return ((await Crates.FindAsync("shared", Ct))!.Id, alice.Id, bob.Id);
    }

    [Fact]
    public async Task An_accepted_invitation_makes_an_owner_who_may_publish_and_is_gone()
    {
        var (crate, alice, bob) = await WorldAsync();
        Assert.Equal(InviteOutcome.Invited, await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct));
        Assert.Equal(InviteOutcome.AlreadyPending, await Invitations.InviteAsync(crate, bob, alice, T0.AddMinutes(1), T0.AddDays(31), Ct));

        var mine = Assert.Single(await Invitations.ListForUserAsync(bob, T0.AddMinutes(2), Ct));
        Assert.Equal(new OwnerInvitationRecord(crate, "shared", bob, "bob", alice, "alice", T0, T0.AddDays(30)), mine);
        Assert.Equal([mine], await Invitations.ListForCrateAsync(crate, T0.AddMinutes(2), Ct));
        // An invitation alone gives nothing.
        Assert.False(await Owners.IsOwnerAsync(crate, bob, Ct));
        Assert.Equal(PublishWriteStatus.NotOwner, (await PublishAsync(NewVersion("shared", "1.1.0", bob))).Status);

        Assert.True(await Invitations.AcceptAsync(crate, bob, T0.AddMinutes(3), Ct));
        Assert.True(await Owners.IsOwnerAsync(crate, bob, Ct));
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("shared", "1.1.0", bob))).Status);
        Assert.Empty(await Invitations.ListForUserAsync(bob, T0.AddMinutes(4), Ct));
        Assert.Null(await Invitations.FindAsync(crate, bob, Ct));
        Assert.False(await Invitations.AcceptAsync(crate, bob, T0.AddMinutes(5), Ct));
    }

    [Fact]
    public async Task Removing_an_owner_withdraws_the_invitations_they_sent_and_no_one_elses()
    {
        var (crate, alice, bob) = await WorldAsync();
        var carol = (await CreateUserAsync("carol")).Id;
        var dave = (await CreateUserAsync("dave")).Id;
        await Invitations.InviteAsync(crate, carol, alice, T0, T0.AddDays(30), Ct);
        Assert.True(await Invitations.AcceptAsync(crate, carol, T0.AddMinutes(1), Ct));
        await Invitations.InviteAsync(crate, bob, carol, T0.AddMinutes(2), T0.AddDays(30), Ct);
        await Invitations.InviteAsync(crate, dave, alice, T0.AddMinutes(2), T0.AddDays(30), Ct);

        Assert.True(await Owners.RemoveAsync(crate, carol, T0.AddMinutes(3), Ct));

        Assert.Null(await Invitations.FindAsync(crate, bob, Ct));
        Assert.False(await Invitations.AcceptAsync(crate, bob, T0.AddMinutes(4), Ct));
        Assert.False(await Owners.IsOwnerAsync(crate, bob, Ct));
        // alice is still an owner: her invitation stands.
        Assert.True(await Invitations.AcceptAsync(crate, dave, T0.AddMinutes(4), Ct));
        Assert.True(await Owners.IsOwnerAsync(crate, dave, Ct));
    }

    [Fact]
    public async Task A_declined_or_expired_invitation_makes_no_owner_and_an_expired_one_is_replaced_by_the_next()
    {
        var (crate, alice, bob) = await WorldAsync();
        await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct);
        Assert.True(await Invitations.DeleteAsync(crate, bob, Ct));
        Assert.False(await Invitations.DeleteAsync(crate, bob, Ct));
        Assert.False(await Invitations.AcceptAsync(crate, bob, T0.AddMinutes(1), Ct));
        Assert.False(await Owners.IsOwnerAsync(crate, bob, Ct));

        await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct);
        var late = T0.AddDays(30);
        Assert.Empty(await Invitations.ListForUserAsync(bob, late, Ct));
        Assert.Empty(await Invitations.ListForCrateAsync(crate, late, Ct));
        Assert.NotNull(await Invitations.FindAsync(crate, bob, Ct));
        Assert.False(await Invitations.AcceptAsync(crate, bob, late, Ct));
        Assert.False(await Owners.IsOwnerAsync(crate, bob, Ct));
        Assert.Equal(PublishWriteStatus.NotOwner, (await PublishAsync(NewVersion("shared", "1.1.0", bob))).Status);

        // The lapsed invitation does not block a new one.
        Assert.Equal(InviteOutcome.Invited, await Invitations.InviteAsync(crate, bob, alice, late, late.AddDays(30), Ct));
        Assert.Equal(late.AddDays(30), (await Invitations.FindAsync(crate, bob, Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task Two_nodes_accepting_at_once_make_one_owner_and_one_event()
    {
        var (crate, alice, bob) = await WorldAsync();
        await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct);
        var other = Db.Open().OwnerInvitations;
        var before = await Db.CountRowsAsync("jobs", Ct);

        var answers = await Task.WhenAll(
            Invitations.AcceptAsync(crate, bob, T0.AddMinutes(1), Ct),
            other.AcceptAsync(crate, bob, T0.AddMinutes(1), Ct));

        Assert.Single(answers, a => a);
        Assert.Equal([new OwnerRecord(alice, "alice"), new OwnerRecord(bob, "bob")], await Owners.ListAsync(crate, Ct));
        // The owners.changed event is written once, by the accepting transaction.
        Assert.Equal(before + 1, await Db.CountRowsAsync("jobs", Ct));
    }

    [Fact]
    public async Task Invitations_go_with_their_crate_and_their_user()
    {
        var (crate, alice, bob) = await WorldAsync();
        var carol = await CreateUserAsync("carol");
        await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct);
        await Invitations.InviteAsync(crate, carol.Id, alice, T0, T0.AddDays(30), Ct);
        Assert.Equal(2, await Db.CountRowsAsync("crate_owner_invitations", Ct));

        Assert.NotNull(await Db.Ports.Deletions.DeleteAsync(new Core.Deletion.DeletionRequest("shared", null, null, "admin", null, T0.AddMinutes(1)), Ct));
        Assert.Equal(0, await Db.CountRowsAsync("crate_owner_invitations", Ct));
    }

    [Fact]
    public async Task A_users_open_invitations_to_crates_and_organizations_are_counted_together_as_their_lists_show_them()
    {
        var (crate, alice, bob) = await WorldAsync();
        var orgs = Db.Ports.Organizations;
        Assert.Equal(new PendingInvitationCounts(0, 0), await Invitations.CountForUserAsync(bob, T0, Ct));

        await PublishAsync(NewVersion("other", "1.0.0", alice));
        var other = (await Crates.FindAsync("other", Ct))!.Id;
        await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct);
        await Invitations.InviteAsync(other, bob, alice, T0, T0.AddDays(1), Ct);
        var acme = (await orgs.CreateAsync("Acme", "acme", alice, T0, Ct))!;
        Assert.NotNull(await orgs.InviteAsync(acme.Id, bob, Core.Organizations.OrgRole.Member, alice, T0, T0.AddDays(7), Ct));
        // Someone else's invitation is not bob's.
        var carol = await CreateUserAsync("carol");
        await Invitations.InviteAsync(crate, carol.Id, alice, T0, T0.AddDays(30), Ct);

        Assert.Equal(new PendingInvitationCounts(Organizations: 1, Crates: 2), await Invitations.CountForUserAsync(bob, T0.AddHours(1), Ct));
        Assert.Equal(new PendingInvitationCounts(0, 1), await Invitations.CountForUserAsync(carol.Id, T0.AddHours(1), Ct));
        // An expired crate invitation is no longer counted, as it is no longer listed.
        var later = T0.AddDays(2);
        Assert.Equal(
            new PendingInvitationCounts((await orgs.ListInvitationsForUserAsync(bob, Ct)).Count, (await Invitations.ListForUserAsync(bob, later, Ct)).Count),
            await Invitations.CountForUserAsync(bob, later, Ct));
        Assert.Equal(new PendingInvitationCounts(1, 1), await Invitations.CountForUserAsync(bob, later, Ct));
    }
}

public sealed class SqliteOwnerInvitationStoreTests(SqliteLane lane) : OwnerInvitationStoreTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresOwnerInvitationStoreTests(PostgresLane lane) : OwnerInvitationStoreTests(lane), IClassFixture<PostgresLane>
{
    /// <summary>
    /// An acceptance while another node transfers the crate to an organization (which locks the crate row, removes the
    /// user owners and withdraws the open invitations): the acceptance waits for the transfer and then finds its
    /// invitation gone, so no user owner appears after it and neither side fails. PostgreSQL only: SQLite's write
    /// transaction never lets the acceptance start before the transfer's commit.
    /// </summary>
    [Fact]
    public async Task An_acceptance_that_waited_for_a_transfer_finds_its_invitation_withdrawn_and_makes_no_owner()
    {
        var (crate, alice, bob) = await WorldAsync();
        await Invitations.InviteAsync(crate, bob, alice, T0, T0.AddDays(30), Ct);
        await using var factory = DbConnectionFactory.Create(Db.Options);
        await using var transfer = await factory.OpenAsync(Ct);
        await using (var transaction = await transfer.BeginTransactionAsync(Ct))
        {
            // The transfer has locked the crate row (its first statement, CrateTransferRepository)...
            await transfer.ExecuteAsync(new CommandDefinition(
                "SELECT id FROM crates WHERE id = @crate FOR UPDATE", new { crate }, transaction, cancellationToken: Ct));

            // ...when the invitee accepts on another node, which has to wait for that lock.
            var accept = Db.Open().OwnerInvitations.AcceptAsync(crate, bob, T0.AddMinutes(1), Ct);
            await Eventually.TrueAsync(async () => accept.IsCompleted || await Db.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", Ct) > 0,
                "the acceptance neither finished nor waited on the transfer's lock", cancellationToken: Ct);
            Assert.False(accept.IsCompleted, "the acceptance finished while the transfer held the crate row");

            // The transfer withdraws the invitations (it has removed the user owners) and commits.
            await transfer.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_owner_invitations WHERE crate_id = @crate", new { crate }, transaction, cancellationToken: Ct));
            await transaction.CommitAsync(Ct);
            Assert.False(await accept, "the acceptance made an owner of an invitation the transfer had withdrawn");
        }
        Assert.False(await Owners.IsOwnerAsync(crate, bob, Ct));
    }
}
