using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

public class OrganizationApiTests
{
    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> Owners(HttpClient client, HttpMethod method, string crate, params string[] users) =>
        client.SendAsync(new HttpRequestMessage(method, $"/api/v1/crates/{crate}/owners") { Content = JsonContent.Create(new { users }) });

    [Fact]
    public async Task Invitations_must_be_accepted_before_membership_starts()
    {
        await using var app = await TestApp.StartAsync();
        var owner = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var mia = app.Client(await Users.CreateWithTokenAsync(app, "mia"));
        var ned = app.Client(await Users.CreateWithTokenAsync(app, "ned"));
        await OkAsync(owner.PostAsJsonAsync("/api/v1/orgs", new { name = "Acme" }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).StatusCode);

        var invitation = await OkAsync(owner.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "mia", role = "admin" }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "mia" })).StatusCode);
        // Invited is not a member yet.
        Assert.Equal(HttpStatusCode.NotFound, (await mia.GetAsync("/api/v1/orgs/acme")).StatusCode);
        var mine = await OkAsync(mia.GetAsync("/api/v1/me/invitations"));
        Assert.Equal("Acme", mine.GetProperty("invitations")[0].GetProperty("org").GetString());
        // Only the invitee answers.
        var id = invitation.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await ned.PostAsync($"/api/v1/me/invitations/{id}/accept", null)).StatusCode);
        await OkAsync(mia.PostAsync($"/api/v1/me/invitations/{id}/accept", null));
        var org = await OkAsync(mia.GetAsync("/api/v1/orgs/acme"));
        Assert.Equal("admin", org.GetProperty("role").GetString());

        // Declined invitations leave no membership.
        var toNed = await OkAsync(mia.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "ned", role = "member" }), HttpStatusCode.Created);
        await OkAsync(ned.PostAsync($"/api/v1/me/invitations/{toNed.GetProperty("id").GetInt64()}/decline", null));
        Assert.Equal(HttpStatusCode.NotFound, (await ned.GetAsync("/api/v1/orgs/acme")).StatusCode);
    }

    [Fact]
    public async Task Admins_of_an_organization_cannot_touch_owners_and_the_last_owner_stays()
    {
        await using var app = await TestApp.StartAsync();
        var olga = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var adam = app.Client(await Users.CreateWithTokenAsync(app, "adam"));
        await Users.CreateWithTokenAsync(app, "ned");
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        var inv = await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "adam", role = "admin" }), HttpStatusCode.Created);
        await OkAsync(adam.PostAsync($"/api/v1/me/invitations/{inv.GetProperty("id").GetInt64()}/accept", null));

        Assert.Equal(HttpStatusCode.Forbidden, (await adam.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "ned", role = "owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adam.PutAsJsonAsync("/api/v1/orgs/acme/members/olga", new { role = "member" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adam.DeleteAsync("/api/v1/orgs/acme/members/olga")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await adam.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/v1/orgs/acme") { Content = JsonContent.Create(new { name = "acme2" }) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await olga.DeleteAsync("/api/v1/orgs/acme/members/olga")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await olga.PutAsJsonAsync("/api/v1/orgs/acme/members/olga", new { role = "admin" })).StatusCode);

        // After making adam an owner, olga may leave.
        await OkAsync(olga.PutAsJsonAsync("/api/v1/orgs/acme/members/adam", new { role = "owner" }));
        await OkAsync(olga.DeleteAsync("/api/v1/orgs/acme/members/olga"));
        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync("/api/v1/orgs/acme")).StatusCode);
    }

    [Fact]
    public async Task Team_owned_crates_follow_the_matrix_and_contributors_cannot_give_crates_to_the_org()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var olga = app.Client(olgaToken);
        var tokens = new Dictionary<string, string>();
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        foreach (var (name, role) in new[] { ("mia", "member"), ("max", "member"), ("cole", "contributor") })
        {
            tokens[name] = await Users.CreateWithTokenAsync(app, name);
            var inv = await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = name, role }), HttpStatusCode.Created);
            await OkAsync(app.Client(tokens[name]).PostAsync($"/api/v1/me/invitations/{inv.GetProperty("id").GetInt64()}/accept", null));
        }
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs/acme/teams", new { name = "core" }), HttpStatusCode.Created);
        await OkAsync(olga.PutAsync("/api/v1/orgs/acme/teams/core/members/mia", null));
        await OkAsync(olga.PutAsync("/api/v1/orgs/acme/teams/core/members/cole", null));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(tokens["mia"]).PutAsync("/api/v1/orgs/acme/teams/core/members/max", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("core-lib", "1.0.0").PublishBody(), olgaToken)).StatusCode);
        await OkAsync(Owners(olga, HttpMethod.Put, "core-lib", "org:acme:core"));
        var listed = await OkAsync(app.Client().GetAsync("/api/v1/crates/core-lib/owners"));
        Assert.Contains("org:acme:core", listed.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()));

        // mia (member, on the team) yanks; max (member, not on the team) cannot; cole (contributor, on the team)
        // publishes but cannot yank.
        Assert.Equal(HttpStatusCode.OK, (await app.Client(tokens["mia"]).DeleteAsync("/api/v1/crates/core-lib/1.0.0/yank")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(tokens["max"]).DeleteAsync("/api/v1/crates/core-lib/1.0.0/yank")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.PublishAsync(CrateFileBuilder.Valid("core-lib", "1.0.1").PublishBody(), tokens["max"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("core-lib", "1.0.2").PublishBody(), tokens["cole"])).StatusCode);
        var coleYank = await app.Client(tokens["cole"]).DeleteAsync("/api/v1/crates/core-lib/1.0.0/yank");
        Assert.Equal(HttpStatusCode.Forbidden, coleYank.StatusCode);
        Assert.Contains("role", await Json.ErrorDetailAsync(coleYank));

        // A contributor cannot hand their own crate to the organization; a member can.
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("coles-crate", "1.0.0").PublishBody(), tokens["cole"])).StatusCode);
        var give = await Owners(app.Client(tokens["cole"]), HttpMethod.Put, "coles-crate", "org:acme");
        Assert.Equal(HttpStatusCode.Forbidden, give.StatusCode);
        Assert.Contains("contributor", await Json.ErrorDetailAsync(give));
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("max-crate", "1.0.0").PublishBody(), tokens["max"])).StatusCode);
        await OkAsync(Owners(app.Client(tokens["max"]), HttpMethod.Put, "max-crate", "org:acme"));
        // max is not on core and may not give crates to that team.
        Assert.Equal(HttpStatusCode.Forbidden, (await Owners(app.Client(tokens["max"]), HttpMethod.Put, "max-crate", "org:acme:core")).StatusCode);

        // Owners of the organization may remove the org from a crate; a crate always keeps an owner.
        await OkAsync(Owners(olga, HttpMethod.Delete, "max-crate", "org:acme"));
        Assert.Equal(HttpStatusCode.BadRequest, (await Owners(app.Client(tokens["max"]), HttpMethod.Delete, "max-crate", "max")).StatusCode);
    }

    [Fact]
    public async Task Restricted_crates_are_invisible_to_callers_without_a_grant_in_auth_required_mode()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var stranger = await Users.CreateWithTokenAsync(app, "stranger");
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("hidden-lib", "1.0.0").PublishBody(), olgaToken)).StatusCode);
        await OkAsync(app.Client(olgaToken).PutAsJsonAsync("/api/v1/crates/hidden-lib/access", new { restricted = true }));

        foreach (var path in new[] { "/index/hi/dd/hidden-lib", "/api/v1/crates/hidden-lib/1.0.0/download", "/api/v1/crates/hidden-lib", "/api/v1/crates/hidden-lib/owners" })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Client(olgaToken).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client(stranger).GetAsync(path)).StatusCode);
        }
        var search = await OkAsync(app.Client(stranger).GetAsync("/api/v1/crates?q=hidden"));
        Assert.Equal(0, search.GetProperty("crates").GetArrayLength());
        var ownSearch = await OkAsync(app.Client(olgaToken).GetAsync("/api/v1/crates?q=hidden"));
        Assert.Equal(1, ownSearch.GetProperty("crates").GetArrayLength());
    }

    [Fact]
    public async Task Deleting_an_organization_removes_its_crate_ownership_and_is_audited()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var olga = app.Client(olgaToken);
        await OkAsync(olga.PostAsJsonAsync("/api/v1/orgs", new { name = "gone" }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("orphan-not", "1.0.0").PublishBody(), olgaToken)).StatusCode);
        await OkAsync(Owners(olga, HttpMethod.Put, "orphan-not", "org:gone"));
        await OkAsync(olga.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/v1/orgs/gone") { Content = JsonContent.Create(new { name = "gone2" }) }));
        await OkAsync(olga.DeleteAsync("/api/v1/orgs/gone2"));

        var owners = await OkAsync(app.Client().GetAsync("/api/v1/crates/orphan-not/owners"));
        Assert.Equal(["olga"], owners.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()));
        var audit = await app.Client(TestApp.AdminToken).GetStringAsync("/api/v1/admin/audit?action=org.");
        Assert.Contains("org.created", audit);
        Assert.Contains("org.renamed", audit);
        Assert.Contains("org.deleted", audit);
        var orgs = await OkAsync(app.Client(TestApp.AdminToken).GetAsync("/api/v1/admin/orgs"));
        Assert.Equal(0, orgs.GetProperty("meta").GetProperty("total").GetInt64());
    }
}
