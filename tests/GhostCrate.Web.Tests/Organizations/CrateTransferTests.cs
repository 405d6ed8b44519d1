using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Audit;
using GhostCrate.Web.Tests.Support;
using GhostCrate.Web.Tests.Ui;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Organizations;

/// <summary>
/// Transferring a crate to an organization (issue 23) through `POST /api/v1/orgs/{org}/crates` and the Manage page:
/// who may, what changes (organization added, user owners removed or kept), what is refused (problem details, nothing
/// changed), the audit entry, and the crate page afterwards.
/// </summary>
public sealed class CrateTransferTests
{
    private const string Password = "a long enough password";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> TransferAsync(HttpClient client, string org, string crate, bool keep = false) =>
        client.PostAsJsonAsync($"/api/v1/orgs/{org}/crates", new { crate, keep_owners = keep });

    private static async Task InviteAsync(HttpClient owner, HttpClient invitee, string org, string user, string role)
    {
        var invitation = await JsonAsync(await owner.PostAsJsonAsync($"/api/v1/orgs/{org}/invitations", new { user, role }), HttpStatusCode.Created);
        await JsonAsync(await invitee.PostAsync($"/api/v1/me/invitations/{invitation.GetProperty("id").GetInt64()}/accept", null), HttpStatusCode.OK);
    }

    private static async Task<IReadOnlyList<string>> OwnerLoginsAsync(TestApp app, string crate)
    {
        var owners = await JsonAsync(await app.Client().GetAsync($"/api/v1/crates/{crate}/owners"), HttpStatusCode.OK);
        return [.. owners.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()!).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task An_owner_who_administers_the_organization_moves_the_crate_and_it_is_audited()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var olga = app.Client(olgaToken);
        var bob = app.Client(await Users.CreateWithTokenAsync(app, "bob"));
        await JsonAsync(await olga.PostAsJsonAsync("/api/v1/orgs", new { name = "Acme" }), HttpStatusCode.Created);
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0", token: olgaToken);
        await JsonAsync(await olga.PutAsJsonAsync("/api/v1/crates/acme-http/owners", new { users = new[] { "bob" } }), HttpStatusCode.OK);
        await JsonAsync(await bob.PutAsJsonAsync("/api/v1/me/crate_owner_invitations/acme-http", new { crate_owner_invite = new { accepted = true } }), HttpStatusCode.OK);

        var moved = await JsonAsync(await TransferAsync(olga, "acme", "acme-http"), HttpStatusCode.OK);

        Assert.Equal("Acme", moved.GetProperty("org").GetString());
        Assert.True(moved.GetProperty("org_added").GetBoolean());
        Assert.Equal(["bob", "olga"], moved.GetProperty("removed_owners").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["org:Acme"], await OwnerLoginsAsync(app, "acme-http"));
        // olga still acts on it through her organization; bob, who is not in it, no longer can.
        Assert.Equal(HttpStatusCode.OK, (await olga.DeleteAsync("/api/v1/crates/acme-http/1.0.0/yank")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PutAsync("/api/v1/crates/acme-http/1.0.0/unyank", null)).StatusCode);
        var audit = Assert.Single(await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: AuditActions.CrateTransferred), CancellationToken.None));
        Assert.Equal("crate:acme-http", audit.Target);
        Assert.Equal("olga", audit.ActorName);
        Assert.Equal("Acme", audit.Details["org"]);
        var page = await UiCrates.GetOkPageAsync(app, "/crates/acme-http");
        Assert.Equal("/orgs/Acme", page.QuerySelector("[data-owner='org:Acme'] a")!.GetAttribute("href"));
        Assert.Null(page.QuerySelector("[data-owner='olga']"));
    }

    [Fact]
    public async Task Members_without_a_managing_role_and_outsiders_are_refused_and_nothing_changes()
    {
        await using var app = await TestApp.StartAsync();
        var olga = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var miaToken = await Users.CreateWithTokenAsync(app, "mia");
        var mia = app.Client(miaToken);
        await JsonAsync(await olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await JsonAsync(await mia.PostAsJsonAsync("/api/v1/orgs", new { name = "mias" }), HttpStatusCode.Created);
        await InviteAsync(olga, mia, "acme", "mia", "member");
        await UiCrates.PublishAsync(app, "mia-lib", "1.0.0", token: miaToken);

        var asMember = await TransferAsync(mia, "acme", "mia-lib");
        Assert.Equal(HttpStatusCode.Forbidden, asMember.StatusCode);
        Assert.Equal("application/problem+json", asMember.Content.Headers.ContentType!.MediaType);
        var problem = await JsonAsync(asMember, HttpStatusCode.Forbidden);
        Assert.Contains("only owners and admins of the organization `acme`", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("your role is member", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // olga owns the organization but not the crate.
        var notOwner = await JsonAsync(await TransferAsync(olga, "mias", "mia-lib"), HttpStatusCode.Forbidden);
        Assert.Contains("not an owner of crate `mia-lib`", notOwner.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await JsonAsync(await TransferAsync(mia, "nowhere", "mia-lib"), HttpStatusCode.NotFound);
        await JsonAsync(await mia.PostAsync("/api/v1/orgs/mias/crates", new StringContent("{", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        Assert.Equal(["mia"], await OwnerLoginsAsync(app, "mia-lib"));
        Assert.Empty(await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: AuditActions.CrateTransferred), CancellationToken.None));

        // Her own organization is fine, keeping herself as an owner.
        var kept = await JsonAsync(await TransferAsync(mia, "mias", "mia-lib", keep: true), HttpStatusCode.OK);
        Assert.Empty(kept.GetProperty("removed_owners").EnumerateArray());
        Assert.Equal(["mia", "org:mias"], await OwnerLoginsAsync(app, "mia-lib"));
    }

    [Fact]
    public async Task A_transfer_that_removes_the_user_owners_also_withdraws_their_open_owner_invitations()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        var olga = app.Client(olgaToken);
        var bob = app.Client(await Users.CreateWithTokenAsync(app, "bob"));
        await JsonAsync(await olga.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0", token: olgaToken);
        await JsonAsync(await olga.PutAsJsonAsync("/api/v1/crates/acme-http/owners", new { users = new[] { "bob" } }), HttpStatusCode.OK);

        await JsonAsync(await TransferAsync(olga, "acme", "acme-http"), HttpStatusCode.OK);

        // The organization alone owns the crate now: an invitation a removed user owner sent makes no user owner.
        Assert.Empty((await JsonAsync(await bob.GetAsync("/api/v1/me/crate_owner_invitations"), HttpStatusCode.OK)).GetProperty("crate_owner_invitations").EnumerateArray());
        var accepted = await bob.PutAsJsonAsync("/api/v1/me/crate_owner_invitations/acme-http", new { crate_owner_invite = new { accepted = true } });
        Assert.Equal(HttpStatusCode.NotFound, accepted.StatusCode);
        Assert.Equal(["org:acme"], await OwnerLoginsAsync(app, "acme-http"));
    }

    [Fact]
    public async Task The_manage_page_asks_first_then_transfers_and_a_reload_repeats_nothing()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        await JsonAsync(await app.Client(olgaToken).PostAsJsonAsync("/api/v1/orgs", new { name = "acme" }), HttpStatusCode.Created);
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0", token: olgaToken);
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("olga", Password)).StatusCode);

        var manage = await PageAsync(web, "/crates/acme-http/manage");
        Assert.Equal("acme", manage.QuerySelector("#transfer-orgs option")!.GetAttribute("value"));
        var ask = (IHtmlFormElement)manage.QuerySelector("#transfer form")!;
        Assert.Equal("get", ask.Method, ignoreCase: true);
        var confirm = await PageAsync(web, "/crates/acme-http/manage?transfer=acme");
        Assert.Contains("olga", confirm.QuerySelector("[data-confirm-transfer='acme']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["olga"], await OwnerLoginsAsync(app, "acme-http"));

        var form = (IHtmlFormElement)confirm.QuerySelector("[data-confirm-transfer] form")!;
        var fields = form.QuerySelectorAll("input[name]").Cast<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        var posted = await web.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/crates/acme-http/manage", posted.Headers.Location!.OriginalString);
        var after = await PageAsync(web, "/crates/acme-http/manage");
        Assert.Contains("Transferred acme-http to the organization acme", after.QuerySelector("[data-status-message]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["org:acme"], await OwnerLoginsAsync(app, "acme-http"));
        Assert.Null((await PageAsync(web, "/crates/acme-http/manage")).QuerySelector("[data-status-message]"));

        // A refusal shows the reason on the page and changes nothing.
        var refused = await web.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["org"] = "nowhere" }));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var refusedPage = new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Contains("organization `nowhere` does not exist", refusedPage.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["org:acme"], await OwnerLoginsAsync(app, "acme-http"));
    }

    private static async Task<IHtmlDocument> PageAsync(WebSession web, string path)
    {
        var response = await web.Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }
}
