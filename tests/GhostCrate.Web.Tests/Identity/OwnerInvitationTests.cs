using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Core.Audit;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>
/// Issue 23: adding a user as an owner invites them, as crates.io does (docs/permissions.md "Owner invitations"):
/// crates.io's answer to cargo, the invitee's list and answer under /api/v1/me, the crate's open invitations for its
/// owners, expiry after Identity:OwnerInvitationDays, and the audit log.
/// </summary>
public sealed class OwnerInvitationTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static Task<HttpResponseMessage> AddOwnerAsync(HttpClient client, string crate, string login) =>
        client.PutAsJsonAsync($"/api/v1/crates/{crate}/owners", new { users = new[] { login } });

    private static Task<HttpResponseMessage> AnswerAsync(HttpClient client, string crate, bool accepted) =>
        client.PutAsJsonAsync($"/api/v1/me/crate_owner_invitations/{crate}", new { crate_owner_invite = new { accepted } });

    private static async Task<JsonElement> OkJsonAsync(Task<HttpResponseMessage> request)
    {
        var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<string[]> OwnersAsync(TestApp app, string crate) =>
        [.. (await OkJsonAsync(app.Client().GetAsync($"/api/v1/crates/{crate}/owners"))).GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()!).Order(StringComparer.Ordinal)];

    private static Task<HttpResponseMessage> PublishAsync(TestApp app, string crate, string version, string token) =>
        app.PublishAsync(CrateFileBuilder.Valid(crate, version).PublishBody(), token);

    [Fact]
    public async Task An_owner_invites_a_user_who_owns_nothing_until_accepting_and_then_may_publish()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var bobToken = await Users.CreateWithTokenAsync(app, "bob");
        var olga = app.Client(olgaToken);
        var bob = app.Client(bobToken);
        Assert.True((await PublishAsync(app, "shared", "1.0.0", olgaToken)).IsSuccessStatusCode);

        var invited = await OkJsonAsync(AddOwnerAsync(olga, "shared", "bob"));
        Assert.True(invited.GetProperty("ok").GetBoolean());
        Assert.Equal("user bob has been invited to be an owner of crate shared", invited.GetProperty("msg").GetString());
        Assert.Equal("user bob already has a pending invitation to be an owner of crate shared",
            (await OkJsonAsync(AddOwnerAsync(olga, "shared", "bob"))).GetProperty("msg").GetString());

        // Invited is not an owner: bob may not publish yet.
        Assert.Equal(["olga"], await OwnersAsync(app, "shared"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PublishAsync(app, "shared", "1.1.0", bobToken)).StatusCode);

        var mine = (await OkJsonAsync(bob.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations");
        var invitation = Assert.Single(mine.EnumerateArray());
        Assert.Equal("shared", invitation.GetProperty("crate_name").GetString());
        Assert.Equal("olga", invitation.GetProperty("invited_by_username").GetString());
        Assert.Empty((await OkJsonAsync(olga.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
        // The crate's owners see it; the invitee (not an owner yet) does not.
        Assert.Equal("bob", Assert.Single((await OkJsonAsync(olga.GetAsync("/api/v1/crates/shared/owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray()).GetProperty("invitee_username").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/api/v1/crates/shared/owner_invitations")).StatusCode);

        var accepted = await OkJsonAsync(AnswerAsync(bob, "shared", true));
        Assert.True(accepted.GetProperty("crate_owner_invitation").GetProperty("accepted").GetBoolean());
        Assert.Equal(["bob", "olga"], await OwnersAsync(app, "shared"));
        Assert.True((await PublishAsync(app, "shared", "1.1.0", bobToken)).IsSuccessStatusCode);
        Assert.Empty((await OkJsonAsync(bob.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
        // Answering twice finds nothing to answer.
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(bob, "shared", true)).StatusCode);

        var audit = app.Services.GetRequiredService<AuditLog>();
        var invitedEntry = Assert.Single(await audit.QueryAsync(new AuditQuery(Action: AuditActions.OwnerInvited), CancellationToken.None));
        Assert.Equal(("olga", "crate:shared", "bob"), (invitedEntry.ActorName, invitedEntry.Target, invitedEntry.Details["user"]));
        var acceptedEntry = Assert.Single(await audit.QueryAsync(new AuditQuery(Action: AuditActions.OwnerInvitationAccepted), CancellationToken.None));
        Assert.Equal(("bob", "crate:shared"), (acceptedEntry.ActorName, acceptedEntry.Target));
    }

    [Fact]
    public async Task A_declined_revoked_or_expired_invitation_leaves_the_user_unable_to_publish()
    {
        var clock = new ManualClock(Start);
        await using var app = await TestApp.StartAsync(new() { ["Identity:OwnerInvitationDays"] = "7" }, s => s.AddSingleton<TimeProvider>(clock));
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var bobToken = await Users.CreateWithTokenAsync(app, "bob");
        var olga = app.Client(olgaToken);
        var bob = app.Client(bobToken);
        Assert.True((await PublishAsync(app, "shared", "1.0.0", olgaToken)).IsSuccessStatusCode);

        // Declined.
        await OkJsonAsync(AddOwnerAsync(olga, "shared", "bob"));
        Assert.False((await OkJsonAsync(AnswerAsync(bob, "shared", false))).GetProperty("crate_owner_invitation").GetProperty("accepted").GetBoolean());
        Assert.Equal(["olga"], await OwnersAsync(app, "shared"));
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(bob, "shared", true)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PublishAsync(app, "shared", "1.1.0", bobToken)).StatusCode);

        // Revoked by the owner before the answer.
        await OkJsonAsync(AddOwnerAsync(olga, "shared", "bob"));
        await OkJsonAsync(olga.DeleteAsync("/api/v1/crates/shared/owner_invitations/bob"));
        Assert.Equal(HttpStatusCode.NotFound, (await olga.DeleteAsync("/api/v1/crates/shared/owner_invitations/bob")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(bob, "shared", true)).StatusCode);
        Assert.Equal(["olga"], await OwnersAsync(app, "shared"));

        // Expired: Identity:OwnerInvitationDays (7 here) later it is no longer listed, and accepting is refused.
        await OkJsonAsync(AddOwnerAsync(olga, "shared", "bob"));
        var listed = Assert.Single((await OkJsonAsync(bob.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
        Assert.Equal(Start.AddDays(7), listed.GetProperty("expires_at").GetDateTimeOffset());
        clock.Advance(TimeSpan.FromDays(7));
        Assert.Empty((await OkJsonAsync(bob.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
        var expired = await AnswerAsync(bob, "shared", true);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
        Assert.Contains("expired", (await Json.ReadAsync(expired)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["olga"], await OwnersAsync(app, "shared"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PublishAsync(app, "shared", "1.1.0", bobToken)).StatusCode);

        // A new invitation replaces the lapsed one.
        Assert.Equal("user bob has been invited to be an owner of crate shared", (await OkJsonAsync(AddOwnerAsync(olga, "shared", "bob"))).GetProperty("msg").GetString());
        var actions = (await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Target: "crate:shared"), CancellationToken.None)).Select(e => e.Action).ToList();
        Assert.Contains(AuditActions.OwnerInvitationDeclined, actions);
        Assert.Contains(AuditActions.OwnerInvitationRevoked, actions);
    }

    [Fact]
    public async Task Organizations_and_users_an_administrator_adds_are_owners_at_once()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var bobToken = await Users.CreateWithTokenAsync(app, "bob");
        var olga = app.Client(olgaToken);
        Assert.True((await PublishAsync(app, "shared", "1.0.0", olgaToken)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).StatusCode);

        await OkJsonAsync(AddOwnerAsync(olga, "shared", "org:acme"));
        var byAdmin = await OkJsonAsync(AddOwnerAsync(app.Client(TestApp.AdminToken), "shared", "bob"));
        Assert.Contains("are now owners", byAdmin.GetProperty("msg").GetString(), StringComparison.Ordinal);
        Assert.Equal(["bob", "olga", "org:acme"], await OwnersAsync(app, "shared"));
        Assert.True((await PublishAsync(app, "shared", "1.1.0", bobToken)).IsSuccessStatusCode);
        Assert.Empty((await OkJsonAsync(app.Client(bobToken).GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
    }

    [Fact]
    public async Task A_user_an_administrator_adds_while_invited_is_an_owner_with_no_invitation_left_waiting()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var bob = app.Client(await Users.CreateWithTokenAsync(app, "bob"));
        Assert.True((await PublishAsync(app, "shared", "1.0.0", olgaToken)).IsSuccessStatusCode);
        await OkJsonAsync(AddOwnerAsync(app.Client(olgaToken), "shared", "bob"));

        // The administrator makes bob an owner at once: the invitation has nothing left to ask, so neither bob's list
        // (the header badge, /me) nor the crate's shows it.
        await OkJsonAsync(AddOwnerAsync(app.Client(TestApp.AdminToken), "shared", "bob"));
        Assert.Equal(["bob", "olga"], await OwnersAsync(app, "shared"));
        Assert.Empty((await OkJsonAsync(bob.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
        Assert.Empty((await OkJsonAsync(app.Client(olgaToken).GetAsync("/api/v1/crates/shared/owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
    }

    [Fact]
    public async Task A_bad_answer_body_is_a_problem_and_changes_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var bob = app.Client(await Users.CreateWithTokenAsync(app, "bob"));
        Assert.True((await PublishAsync(app, "shared", "1.0.0", olgaToken)).IsSuccessStatusCode);
        await OkJsonAsync(AddOwnerAsync(app.Client(olgaToken), "shared", "bob"));

        var bad = await bob.PutAsync("/api/v1/me/crate_owner_invitations/shared", new StringContent("{\"accepted\":\"yes\"", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["olga"], await OwnersAsync(app, "shared"));
        Assert.Single((await OkJsonAsync(bob.GetAsync("/api/v1/me/crate_owner_invitations"))).GetProperty("crate_owner_invitations").EnumerateArray());
    }
}
