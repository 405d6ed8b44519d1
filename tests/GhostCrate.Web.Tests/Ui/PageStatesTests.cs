using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;
using GhostCrate.Web.Ui;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// Issue 23 item 6: pending invitations in the header and on /me, empty and error states that say what to do, a
/// missing version's page pointing to its crate, and audit targets that link to what they are about.
/// </summary>
public sealed class PageStatesTests
{
    [Fact]
    public async Task Pending_invitations_show_in_the_header_and_on_me_until_answered()
    {
        await using var app = await TestApp.StartAsync();
        var owner = app.Client(await Users.CreateWithTokenAsync(app, "olga"));
        var mia = app.Client(await Users.CreateWithTokenAsync(app, "mia"));
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).StatusCode);
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("mia", "a long enough password")).StatusCode);
        var parser = new HtmlParser();

        var before = parser.ParseDocument(await web.Http.GetStringAsync("/"));
        Assert.Null(before.QuerySelector("[data-invitations-link]"));

        var invited = await owner.PostAsJsonAsync("/api/v1/orgs/acme/invitations", new { user = "mia", role = "member" });
        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var id = (await invited.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();

        var home = parser.ParseDocument(await web.Http.GetStringAsync("/"));
        var link = home.QuerySelector("[data-invitations-link]");
        Assert.NotNull(link);
        Assert.Equal("/orgs#invitations-heading", link.GetAttribute("href"));
        Assert.Equal("1", link.QuerySelector(".badge")!.TextContent);
        var me = parser.ParseDocument(await web.Http.GetStringAsync("/me"));
        Assert.Contains("acme", me.QuerySelector("[data-pending-invitations]")!.TextContent, StringComparison.Ordinal);

        Assert.True((await mia.PostAsync($"/api/v1/me/invitations/{id}/accept", null)).IsSuccessStatusCode);
        var after = parser.ParseDocument(await web.Http.GetStringAsync("/me"));
        Assert.Null(after.QuerySelector("[data-invitations-link]"));
        Assert.Null(after.QuerySelector("[data-pending-invitations]"));
    }

    [Fact]
    public async Task Empty_and_error_states_say_what_to_do_next()
    {
        await using var app = await TestApp.StartAsync();
        await Users.CreateWithTokenAsync(app, "nia");
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("nia", "a long enough password")).StatusCode);
        var parser = new HtmlParser();

        // An empty registry's home page and a user without crates: how to publish the first one.
        var home = parser.ParseDocument(await web.Http.GetStringAsync("/"));
        Assert.Contains("publish the first one with cargo publish", home.Body!.TextContent, StringComparison.Ordinal);
        var me = parser.ParseDocument(await web.Http.GetStringAsync("/me"));
        Assert.Contains("You own no crates yet. Publish one with cargo publish.", me.Body!.TextContent, StringComparison.Ordinal);

        // A search that finds nothing: fewer words, or browse by category.
        var search = parser.ParseDocument(await web.Http.GetStringAsync("/search?q=no+such+words+anywhere"));
        Assert.Contains("No crates match", search.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Try fewer words", search.Body.TextContent, StringComparison.Ordinal);
        Assert.NotNull(search.QuerySelector("a[href='/categories']"));

        // A page that does not exist: search instead, or go home.
        var missing = await web.Http.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var notFound = parser.ParseDocument(await missing.Content.ReadAsStringAsync());
        Assert.NotNull(notFound.QuerySelector("form[role=search][action='/search'] input[name=q]"));
        Assert.NotNull(notFound.QuerySelector("a[href='/']"));

        // A page that needs a sign-in, asked for anonymously: a way to sign in that comes back here.
        using var anonymous = new WebSession(app);
        var closed = await anonymous.Http.GetAsync("/me");
        var signIn = closed.Headers.Location?.OriginalString
            ?? parser.ParseDocument(await closed.Content.ReadAsStringAsync()).QuerySelector("a[href^='/login']")?.GetAttribute("href");
        Assert.True(signIn is not null && signIn.StartsWith("/login", StringComparison.Ordinal) && signIn.Contains("returnUrl=%2Fme", StringComparison.Ordinal),
            $"/me without a session answered {(int)closed.StatusCode} without a way to sign in that comes back: {signIn}");
    }

    [Fact]
    public async Task A_missing_version_links_to_its_crate_and_a_missing_crate_does_not()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "acme-there", "1.0.0");

        var (missingVersion, page) = await UiCrates.GetPageAsync(app, "/crates/acme-there/9.9.9");
        Assert.Equal(HttpStatusCode.NotFound, missingVersion.StatusCode);
        Assert.Equal("/crates/acme-there", page.QuerySelector("[data-existing-crate] a")!.GetAttribute("href"));
        var (missingSource, sourcePage) = await UiCrates.GetPageAsync(app, "/crates/acme-there/1.0.0/source/nothing.rs");
        Assert.Equal(HttpStatusCode.NotFound, missingSource.StatusCode);
        Assert.NotNull(sourcePage.QuerySelector("[data-existing-crate]"));

        var (missingCrate, nothing) = await UiCrates.GetPageAsync(app, "/crates/acme-nowhere/1.0.0");
        Assert.Equal(HttpStatusCode.NotFound, missingCrate.StatusCode);
        Assert.Null(nothing.QuerySelector("[data-existing-crate]"));
    }

    [Fact]
    public async Task The_audit_log_links_a_yanked_version_to_its_page()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "acme-audited", "1.0.0");
        Assert.True((await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/acme-audited/1.0.0/yank")).IsSuccessStatusCode);
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);

        var audit = new HtmlParser().ParseDocument(await admin.Http.GetStringAsync("/admin/audit"));
        var row = audit.QuerySelector("tr[data-target='crate:acme-audited@1.0.0']");
        Assert.NotNull(row);
        Assert.Equal("/crates/acme-audited/1.0.0", row.QuerySelector("a[data-target-link]")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("crate:acme-http@1.2.0", "/crates/acme-http/1.2.0")]
    [InlineData("crate:acme-http@1.0.0+build.5", "/crates/acme-http/1.0.0%2Bbuild.5")]
    [InlineData("crate:acme-http", "/crates/acme-http")]
    [InlineData("user:mia", "/users/mia")]
    [InlineData("org:acme", "/orgs/acme")]
    [InlineData("org:acme:platform", "/orgs/acme")]
    [InlineData("token:42", null)]
    [InlineData("webhook:3", null)]
    [InlineData("crate:../../admin", null)]
    [InlineData("user:mia@1.0", null)]
    [InlineData(null, null)]
    public void Audit_targets_link_to_their_pages(string? target, string? expected) =>
        Assert.Equal(expected, AuditTargets.Link(target));
}
