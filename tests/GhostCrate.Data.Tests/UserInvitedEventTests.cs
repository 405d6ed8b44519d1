using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;
using GhostCrate.Core.Organizations;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>user.invited is written with the invitation, in its transaction, on both databases; a refused invitation writes none.</summary>
public abstract class UserInvitedEventTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private async Task<List<RegistryEvent>> InvitedEventsAsync() =>
        [.. (await Db.Ports.Jobs.ListAsync(JobState.Pending, 100, Ct))
            .Where(j => j.Kind == RegistryEvent.JobKind)
            .Select(j => RegistryEvent.Parse(j.Payload))
            .Where(e => e.Type == RegistryEventTypes.UserInvited)];

    [Fact]
    public async Task An_invitation_writes_one_event_and_a_duplicate_invitation_writes_none()
    {
        var orgs = Db.Ports.Organizations;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var acme = (await orgs.CreateAsync("Acme", "acme", alice.Id, T0, Ct))!;

        var invitation = await orgs.InviteAsync(acme.Id, bob.Id, OrgRole.Admin, alice.Id, T0, T0.AddDays(14), Ct);
        Assert.NotNull(invitation);
        // An open invitation for the same user is refused (null): its transaction writes no event either.
        Assert.Null(await orgs.InviteAsync(acme.Id, bob.Id, OrgRole.Member, alice.Id, T0.AddSeconds(1), T0.AddDays(14), Ct));

        var data = Assert.Single(await InvitedEventsAsync()).Data;
        Assert.Equal(("Acme", "bob", "admin", "alice", invitation!.Id),
            (data.GetProperty("org").GetString(), data.GetProperty("user").GetString(), data.GetProperty("role").GetString(),
             data.GetProperty("invited_by").GetString(), data.GetProperty("invitation_id").GetInt64()));
        Assert.Equal(T0.AddDays(14), data.GetProperty("expires_at").GetDateTimeOffset());
    }
}

public sealed class SqliteUserInvitedEventTests(SqliteLane lane) : UserInvitedEventTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresUserInvitedEventTests(PostgresLane lane) : UserInvitedEventTests(lane), IClassFixture<PostgresLane>;
