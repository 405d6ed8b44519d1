using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Core.Audit;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>
/// /crates/{name}/manage (issue 23): owners and administrators yank with a reason, unyank, change owners and the
/// restricted switch through the API's services; every form needs the antiforgery field and redirects after the post;
/// destructive actions are confirmed on a page of their own.
/// </summary>
public sealed class ManageCratePageTests
{
    private const string AdminPassword = "correct horse battery";
    private const string UserPassword = "a long enough password";

    private static async Task<IHtmlDocument> PageAsync(WebSession web, string path)
    {
        var response = await web.Http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Submits the form found by <paramref name="selector"/> on the page, with its own fields plus <paramref name="extra"/>.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(WebSession web, IHtmlDocument page, string selector, Dictionary<string, string>? extra = null)
    {
        var form = (IHtmlFormElement)(page.QuerySelector(selector) ?? throw new InvalidOperationException($"no form {selector}"));
        var fields = form.QuerySelectorAll("input[name]").Cast<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (k, v) in extra ?? []) fields[k] = v;
        return await web.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task An_owner_yanks_with_a_reason_after_confirming_and_a_reload_repeats_nothing()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0");
        await UiCrates.PublishAsync(app, "acme-http", "1.1.0");
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);

        var crate = await PageAsync(web, "/crates/acme-http");
        Assert.Equal("/crates/acme-http/manage", crate.QuerySelector("[data-manage-link]")!.GetAttribute("href"));
        var manage = await PageAsync(web, "/crates/acme-http/manage");
        // Yank is a link to a confirmation (no form on the list: nothing is yanked by one click).
        var yankLink = manage.QuerySelector("tr[data-version='1.1.0'] a[role=button]")!.GetAttribute("href")!;
        Assert.Null(manage.QuerySelector("[data-confirm-yank]"));
        var confirm = await PageAsync(web, yankLink);
        Assert.NotNull(confirm.QuerySelector("[data-confirm-yank='1.1.0']"));

        var forged = await web.Http.PostAsync(confirm.QuerySelector("[data-confirm-yank] form")!.GetAttribute("action"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["version"] = "1.1.0" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var yanked = await SubmitAsync(web, confirm, "[data-confirm-yank] form", new() { ["reason"] = "breaks TLS on Windows; use 1.0.0" });
        Assert.Equal(HttpStatusCode.Redirect, yanked.StatusCode);
        Assert.Equal("/crates/acme-http/manage", yanked.Headers.Location!.OriginalString);
        var after = await PageAsync(web, "/crates/acme-http/manage");
        Assert.Contains("Yanked 1.1.0", after.QuerySelector("[data-status-message]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("yanked", after.QuerySelector("tr[data-version='1.1.0']")!.TextContent, StringComparison.Ordinal);
        // The message was for one request: a reload shows the state, not the action again.
        Assert.Null((await PageAsync(web, "/crates/acme-http/manage")).QuerySelector("[data-status-message]"));

        var index = await app.Client().GetStringAsync("/index/ac/me/acme-http");
        Assert.Contains(index.Split('\n'), line => line.Contains("\"1.1.0\"", StringComparison.Ordinal) && line.Contains("\"yanked\":true", StringComparison.Ordinal));
        var versionPage = await UiCrates.GetOkPageAsync(app, "/crates/acme-http/1.1.0");
        Assert.Equal("Reason: breaks TLS on Windows; use 1.0.0", versionPage.QuerySelector("[data-yank-reason]")!.TextContent);
        var audit = await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: AuditActions.CrateYanked), CancellationToken.None);
        var entry = Assert.Single(audit);
        Assert.Equal("crate:acme-http@1.1.0", entry.Target);
        Assert.Equal("breaks TLS on Windows; use 1.0.0", entry.Details["reason"]);

        // Unyank is one click (nothing is lost) and clears the reason.
        var unyanked = await SubmitAsync(web, after, "tr[data-version='1.1.0'] form");
        Assert.Equal(HttpStatusCode.Redirect, unyanked.StatusCode);
        Assert.Null((await UiCrates.GetOkPageAsync(app, "/crates/acme-http/1.1.0")).QuerySelector("[data-yank-reason]"));
    }

    [Fact]
    public async Task A_user_an_owner_adds_is_invited_accepts_on_me_once_and_an_invitation_can_be_withdrawn()
    {
        await using var app = await TestApp.StartAsync();
        var olgaToken = await Users.CreateWithTokenAsync(app, "olga");
        await Users.CreateWithTokenAsync(app, "bob");
        await Users.CreateWithTokenAsync(app, "carol");
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0", token: olgaToken);
        using var olga = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await olga.LoginAsync("olga", UserPassword)).StatusCode);

        var manage = await PageAsync(olga, "/crates/acme-http/manage");
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(olga, manage, "#owners form.narrow-form", new() { ["login"] = "bob" })).StatusCode);
        manage = await PageAsync(olga, "/crates/acme-http/manage");
        Assert.Contains("user bob has been invited to be an owner of crate acme-http", manage.QuerySelector("[data-status-message]")?.TextContent ?? manage.Body!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Null(manage.QuerySelector("#owners li[data-owner=bob]"));
        Assert.NotNull(manage.QuerySelector("#owners li[data-invited=bob]"));

        using var bob = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await bob.LoginAsync("bob", UserPassword)).StatusCode);
        var me = await PageAsync(bob, "/me");
        var link = me.QuerySelector("[data-invitations-link]")!;
        Assert.Equal("/me#pending-heading", link.GetAttribute("href"));
        Assert.Equal("1", link.QuerySelector(".badge")!.TextContent);
        var accepted = await SubmitAsync(bob, me, "[data-crate-invitation=acme-http] form", new() { ["accept"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/crates/acme-http/manage", accepted.Headers.Location!.OriginalString);
        var owned = await PageAsync(bob, "/crates/acme-http/manage");
        Assert.Contains("You now own acme-http", owned.Body!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(owned.QuerySelector("#owners li[data-owner=bob]"));
        // Posting the same answer again (a reload of the form) changes nothing and says why.
        var again = await SubmitAsync(bob, me, "[data-crate-invitation=acme-http] form", new() { ["accept"] = "true" });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        me = await PageAsync(bob, "/me");
        Assert.Null(me.QuerySelector("[data-invitations-link]"));
        Assert.Null(me.QuerySelector("[data-crate-invitation]"));

        // An open invitation is withdrawn from the Manage page; carol then has nothing to accept.
        manage = await PageAsync(olga, "/crates/acme-http/manage");
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(olga, manage, "#owners form.narrow-form", new() { ["login"] = "carol" })).StatusCode);
        manage = await PageAsync(olga, "/crates/acme-http/manage");
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(olga, manage, "#owners li[data-invited=carol] form")).StatusCode);
        Assert.Null((await PageAsync(olga, "/crates/acme-http/manage")).QuerySelector("#owners li[data-invited=carol]"));
        using var carol = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await carol.LoginAsync("carol", UserPassword)).StatusCode);
        Assert.Null((await PageAsync(carol, "/me")).QuerySelector("[data-crate-invitation]"));
    }

    [Fact]
    public async Task Owners_are_added_and_removed_after_confirming_and_the_crate_restricted()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0");
        await Users.CreateWithTokenAsync(app, "alice");
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);

        var manage = await PageAsync(web, "/crates/acme-http/manage");
        var added = await SubmitAsync(web, manage, "#owners form.narrow-form", new() { ["login"] = "alice" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        manage = await PageAsync(web, "/crates/acme-http/manage");
        Assert.NotNull(manage.QuerySelector("#owners li[data-owner=alice]"));

        var unknown = await SubmitAsync(web, manage, "#owners form.narrow-form", new() { ["login"] = "nobody-here" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.NotNull(new HtmlParser().ParseDocument(await unknown.Content.ReadAsStringAsync()).QuerySelector("[data-error-message]"));

        var confirm = await PageAsync(web, manage.QuerySelector("#owners li[data-owner=alice] a[aria-label='Remove alice']")!.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(web, confirm, "[data-confirm-remove=alice] form")).StatusCode);
        manage = await PageAsync(web, "/crates/acme-http/manage");
        Assert.Null(manage.QuerySelector("#owners li[data-owner=alice]"));

        // The last owner cannot be removed (the API's rule), and the page says why.
        var last = await PageAsync(web, "/crates/acme-http/manage?remove=admin");
        var refused = await SubmitAsync(web, last, "[data-confirm-remove=admin] form");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("cannot remove every owner", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal("false", manage.QuerySelector("#access button")!.GetAttribute("data-restricted"));
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(web, manage, "#access form")).StatusCode);
        Assert.Equal("true", (await PageAsync(web, "/crates/acme-http/manage")).QuerySelector("#access button")!.GetAttribute("data-restricted"));
    }

    [Fact]
    public async Task Someone_who_does_not_own_the_crate_gets_no_link_and_403_and_anonymous_visitors_log_in()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0");
        await Users.CreateWithTokenAsync(app, "mallory");
        using var anonymous = new WebSession(app);
        var redirect = await anonymous.Http.GetAsync("/crates/acme-http/manage");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/login?returnUrl=", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("mallory", UserPassword)).StatusCode);
        Assert.Null((await PageAsync(web, "/crates/acme-http")).QuerySelector("[data-manage-link]"));
        Assert.Equal(HttpStatusCode.Forbidden, (await web.Http.GetAsync("/crates/acme-http/manage")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await web.Http.GetAsync("/crates/no-such-crate/manage")).StatusCode);
    }
}
