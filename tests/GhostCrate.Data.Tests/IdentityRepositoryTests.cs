using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>The identity ports added for issue 5: flags and session versions, listing, revoking, SSO links, login states, audit.</summary>
public abstract class IdentityRepositoryTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task Flags_change_independently_and_every_change_bumps_the_session_version()
    {
        var alice = await CreateUserAsync("alice");
        Assert.Equal(0, alice.SessionVersion);

        Assert.True(await Users.UpdateFlagsAsync(alice.Id, new UserFlags(IsReadOnly: true), Ct));
        var readOnly = (await Users.FindByIdAsync(alice.Id, Ct))!;
        Assert.True(readOnly.IsReadOnly);
        Assert.False(readOnly.IsAdmin);
        Assert.False(readOnly.IsDisabled);
        Assert.Equal(1, readOnly.SessionVersion);

        Assert.True(await Users.UpdateFlagsAsync(alice.Id, new UserFlags(IsAdmin: true, IsDisabled: true), Ct));
        var both = (await Users.FindByIdAsync(alice.Id, Ct))!;
        Assert.True(both is { IsAdmin: true, IsDisabled: true, IsReadOnly: true, SessionVersion: 2 });

        await Users.SetPasswordHashAsync(alice.Id, "h", Ct);
        Assert.Equal(3, (await Users.FindByIdAsync(alice.Id, Ct))!.SessionVersion);
        Assert.False(await Users.UpdateFlagsAsync(424242, new UserFlags(IsAdmin: true), Ct));
    }

    [Fact]
    public async Task Users_are_listed_by_name_with_a_literal_substring_filter()
    {
        // Names whose order is the same under ordinal and linguistic collations (PostgreSQL's default is the latter).
        foreach (var name in new[] { "zoe", "Bob", "cy_d", "cyxd", "carol" }) await CreateUserAsync(name);

        var all = await Users.ListAsync(null, 0, 10, Ct);
        Assert.Equal(5, all.Total);
        Assert.Equal(["Bob", "carol", "cy_d", "cyxd", "zoe"], all.Users.Select(u => u.Username));

        var underscore = await Users.ListAsync("Y_D", 0, 10, Ct);
        Assert.Equal(["cy_d"], underscore.Users.Select(u => u.Username));

        var page = await Users.ListAsync("c", 1, 1, Ct);
        Assert.Equal(3, page.Total);
        Assert.Equal(["cy_d"], page.Users.Select(u => u.Username));
    }

    [Fact]
    public async Task Revoke_all_revokes_only_live_tokens_of_that_user()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        var a1 = await Tokens.CreateAsync(new NewApiToken(alice.Id, "a1", new string('1', 64), T0, null, null, null), Ct);
        await Tokens.CreateAsync(new NewApiToken(alice.Id, "a2", new string('2', 64), T0, null, null, null), Ct);
        var b1 = await Tokens.CreateAsync(new NewApiToken(bob.Id, "b1", new string('3', 64), T0, null, null, null), Ct);
        Assert.True(await Tokens.RevokeAsync(a1.Id, T0, Ct));

        Assert.Equal(1, await Tokens.RevokeAllForUserAsync(alice.Id, T0.AddHours(1), Ct));
        Assert.All(await Tokens.ListForUserAsync(alice.Id, Ct), t => Assert.NotNull(t.RevokedAt));
        Assert.Equal(T0, (await Tokens.FindByIdAsync(a1.Id, Ct))!.RevokedAt);
        Assert.Null((await Tokens.FindByIdAsync(b1.Id, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task External_logins_link_once()
    {
        var alice = await CreateUserAsync("alice");
        var bob = await CreateUserAsync("bob");
        Assert.True(await Db.Ports.ExternalLogins.LinkAsync("corp", "sub-1", alice.Id, T0, Ct));
        Assert.False(await Db.Ports.ExternalLogins.LinkAsync("corp", "sub-1", bob.Id, T0, Ct));
        Assert.Equal(alice.Id, await Db.Ports.ExternalLogins.FindUserIdAsync("corp", "sub-1", Ct));
        Assert.Null(await Db.Ports.ExternalLogins.FindUserIdAsync("other", "sub-1", Ct));
    }

    [Fact]
    public async Task A_login_state_can_be_taken_once_and_not_after_it_expired()
    {
        var states = Db.Ports.LoginStates;
        var now = DateTimeOffset.UtcNow;
        var login = new PendingLogin("hash-1", "corp", "nonce", "verifier", "/back", DateTimeOffset.FromUnixTimeMilliseconds((now + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds()));
        await states.StoreAsync(login, Ct);
        await states.StoreAsync(login with { StateHash = "hash-2" }, Ct);

        Assert.Equal(login, await states.TakeAsync("hash-1", now, Ct));
        Assert.Null(await states.TakeAsync("hash-1", now, Ct));
        Assert.Null(await states.TakeAsync("hash-2", now.AddMinutes(11), Ct));
        Assert.Null(await states.TakeAsync("hash-2", now, Ct));
    }

    [Fact]
    public async Task Audit_events_are_returned_newest_first_and_filtered()
    {
        var audit = Db.Ports.Audit;
        await audit.AppendAsync(new NewAuditEvent(T0, 1, "alice", 7, "10.0.0.1", "crate.published", "crate:a@1.0.0", new Dictionary<string, string?> { ["checksum"] = "abc" }), Ct);
        await audit.AppendAsync(new NewAuditEvent(T0.AddMinutes(1), 2, "bob", null, null, "crate.yanked", "crate:a@1.0.0", new Dictionary<string, string?>()), Ct);
        await audit.AppendAsync(new NewAuditEvent(T0.AddMinutes(2), 1, "alice", null, "::1", "token.created", "token:9", new Dictionary<string, string?> { ["name"] = "ci" }), Ct);

        var all = await audit.QueryAsync(new AuditQuery(), Ct);
        Assert.Equal(["token.created", "crate.yanked", "crate.published"], all.Select(e => e.Action));
        var first = all[2];
        Assert.Equal((T0, 1L, "alice", 7L, "10.0.0.1", "crate:a@1.0.0"), (first.OccurredAt, first.ActorId!.Value, first.ActorName, first.TokenId!.Value, first.Address, first.Target));
        Assert.Equal("abc", first.Details["checksum"]);

        Assert.Equal(2, (await audit.QueryAsync(new AuditQuery(Actor: "alice"), Ct)).Count);
        Assert.Equal(2, (await audit.QueryAsync(new AuditQuery(Action: "crate."), Ct)).Count);
        Assert.Single(await audit.QueryAsync(new AuditQuery(Action: "crate.yanked"), Ct));
        Assert.Equal(2, (await audit.QueryAsync(new AuditQuery(Target: "crate:a@1.0.0"), Ct)).Count);
        Assert.Single(await audit.QueryAsync(new AuditQuery(Since: T0.AddMinutes(2)), Ct));
        Assert.Equal(["crate.published"], (await audit.QueryAsync(new AuditQuery(BeforeId: all[1].Id), Ct)).Select(e => e.Action));
        Assert.Single(await audit.QueryAsync(new AuditQuery(Limit: 1), Ct));
    }
}

public sealed class SqliteIdentityRepositoryTests(SqliteLane lane) : IdentityRepositoryTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresIdentityRepositoryTests(PostgresLane lane) : IdentityRepositoryTests(lane), IClassFixture<PostgresLane>;
