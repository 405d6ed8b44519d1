using GhostCrate.Core.Identity;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// The access epoch (0012): the triggers move it for every change an access decision rests on, whichever repository
/// writes it, and leave it alone for the token's last-use stamp (written on every minute of use), on both databases.
/// </summary>
public abstract class AccessEpochTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Revocation_user_flags_memberships_owners_and_the_restricted_flag_move_the_epoch_and_a_touch_does_not()
    {
        var epoch = Db.Ports.AccessEpoch;
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var token = await Tokens.CreateAsync(new NewApiToken(alice.Id, "ci", new string('a', 64), T0, null, null, null), Ct);
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        var crate = (await Crates.FindAsync("foo", Ct))!;
        var org = (await Db.Ports.Organizations.CreateAsync("acme", "acme", alice.Id, T0, Ct))!;

        async Task MovesAsync(string what, Func<Task> change)
        {
            var before = await epoch.ReadAsync(Ct);
            await change();
            Assert.True(await epoch.ReadAsync(Ct) > before, $"{what} did not move the access epoch");
        }

        var unchanged = await epoch.ReadAsync(Ct);
        await Tokens.TouchAsync(token.Id, T0.AddMinutes(5), Ct);
        Assert.Equal(unchanged, await epoch.ReadAsync(Ct));

        var invitation = (await Db.Ports.Organizations.InviteAsync(org.Id, bob.Id, Core.Organizations.OrgRole.Member, alice.Id, T0, T0.AddDays(7), Ct))!;
        await MovesAsync("an accepted invitation", () => Db.Ports.Organizations.AcceptInvitationAsync(invitation.Id, T0, Ct));
        var team = (await Db.Ports.Organizations.CreateTeamAsync(org.Id, "core", "core", T0, Ct))!;
        await MovesAsync("adding a team member", () => Db.Ports.Organizations.AddTeamMemberAsync(team.Id, bob.Id, T0, Ct));
        await MovesAsync("removing a team member", () => Db.Ports.Organizations.RemoveTeamMemberAsync(team.Id, bob.Id, Ct));
        await MovesAsync("changing a member's role", () => Db.Ports.Organizations.SetRoleAsync(org.Id, bob.Id, Core.Organizations.OrgRole.Admin, T0, Ct));
        await MovesAsync("removing an organization member", () => Db.Ports.Organizations.RemoveMemberAsync(org.Id, bob.Id, T0, Ct));
        await MovesAsync("an organization becoming an owner", () => Db.Ports.CrateGroupOwners.AddOrgAsync(crate.Id, org.Id, T0, Ct));
        await MovesAsync("restricting a crate", () => Db.Ports.CrateGroupOwners.SetRestrictedAsync(crate.Id, true, Ct));
        await MovesAsync("adding a direct owner", () => Owners.AddAsync(crate.Id, bob.Id, T0, Ct));
        await MovesAsync("disabling a user", () => Users.UpdateFlagsAsync(alice.Id, new UserFlags(IsDisabled: true), Ct));
        await MovesAsync("revoking a token", () => Tokens.RevokeAsync(token.Id, T0.AddMinutes(6), Ct));
    }
}

public sealed class SqliteAccessEpochTests(SqliteLane lane) : AccessEpochTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresAccessEpochTests(PostgresLane lane) : AccessEpochTests(lane), IClassFixture<PostgresLane>;
