using System.Net;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>/me and /admin as HTML: who may see them, forms need the antiforgery field, secrets stay off the pages.</summary>
public sealed class AccountPageTests
{
    private const string AdminPassword = "correct horse battery";

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(WebSession web, string path)
    {
        var response = await web.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/me")]
    [InlineData("/admin")]
    [InlineData("/admin/audit")]
    public async Task Anonymous_visitors_are_sent_to_the_login_page(string path)
    {
        await using var app = await TestApp.StartAsync();
        using var web = new WebSession(app);

        var response = await web.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString(path), response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_account_page_creates_tokens_only_with_the_antiforgery_field()
    {
        await using var app = await TestApp.StartAsync();
        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);
        var page = await PageAsync(web, "/me");
        var form = page.QuerySelector("form.token-form")!;
        var action = form.GetAttribute("action")!;
        var field = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var forged = await web.Http.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["NewToken.Name"] = "forged" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var created = await web.Http.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["NewToken.Name"] = "ci",
            ["NewToken.Access"] = "limited",
            ["NewToken.Scopes"] = "yank",
            ["NewToken.Expires"] = "7",
            ["__RequestVerificationToken"] = field,
        }));
        // Post-redirect-get: a reload of the page that shows the secret repeats the GET, never the POST.
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/me?done=created#new-token", created.Headers.Location!.OriginalString);
        var shown = await web.Http.GetAsync("/me?done=created");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var result = new HtmlParser().ParseDocument(await shown.Content.ReadAsStringAsync());
        var secret = result.GetElementById("new-token")!.TextContent.Trim();
        Assert.StartsWith("gcr_", secret, StringComparison.Ordinal);
        Assert.Contains("yank", result.QuerySelector("tr[data-token=ci]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", result.DocumentElement.OuterHtml, StringComparison.Ordinal);

        // The new token works with the Cargo API, and the listing afterwards never repeats the secret.
        Assert.Equal(HttpStatusCode.OK, (await app.Client(secret).GetAsync("/api/v1/me")).StatusCode);
        var later = await web.Http.GetStringAsync("/me");
        Assert.DoesNotContain(secret, later, StringComparison.Ordinal);
        // Reloading the address the form redirected to shows neither the secret again nor a second token.
        var reloaded = new HtmlParser().ParseDocument(await web.Http.GetStringAsync("/me?done=created"));
        Assert.Null(reloaded.GetElementById("new-token"));
        Assert.Single(reloaded.QuerySelectorAll("tr[data-token=ci]"));
    }

    [Fact]
    public async Task Admin_pages_are_forbidden_to_other_users_and_the_configuration_hides_secrets()
    {
        await using var app = await TestApp.StartAsync();
        await Users.CreateWithTokenAsync(app, "mallory");
        using var user = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await user.LoginAsync("mallory", "a long enough password")).StatusCode);

        var denied = await user.Http.GetAsync("/admin/config");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("Not allowed", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", AdminPassword)).StatusCode);
        var config = await PageAsync(admin, "/admin/config");
        Assert.Equal("false", config.QuerySelector("tr[data-key='Registry:AuthRequired'] td:last-child")!.TextContent.Trim());
        var html = config.DocumentElement.OuterHtml;
        Assert.DoesNotContain(TestApp.AdminToken, html, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminPassword, html, StringComparison.Ordinal);

        var overview = await PageAsync(admin, "/admin");
        Assert.Equal("true", overview.QuerySelector("[data-ready]")!.GetAttribute("data-ready"));
        Assert.NotNull(overview.QuerySelector("tr[data-dependency='Crate storage']"));
    }
}

/// <summary>/login offers one button per configured single sign-on provider, next to (or instead of) the password form.</summary>
public sealed class LoginPageTests
{
    private static Dictionary<string, string?> TwoProviders(bool passwords) => new()
    {
        // Nothing is fetched from a provider before someone clicks its button, so these need not exist.
        ["Identity:Sso:corp:Type"] = "Oidc",
        ["Identity:Sso:corp:DisplayName"] = "Corp SSO",
        ["Identity:Sso:corp:Authority"] = "http://127.0.0.1:9/corp",
        ["Identity:Sso:corp:ClientId"] = "ghostcrate",
        ["Identity:Sso:corp:ClientSecret"] = "not used here",
        ["Identity:Sso:corp:RequireHttps"] = "false",
        ["Identity:Sso:lab:Type"] = "Oidc",
        ["Identity:Sso:lab:DisplayName"] = "Lab login",
        ["Identity:Sso:lab:Authority"] = "http://127.0.0.1:9/lab",
        ["Identity:Sso:lab:ClientId"] = "ghostcrate",
        ["Identity:Sso:lab:ClientSecret"] = "not used here",
        ["Identity:Sso:lab:RequireHttps"] = "false",
        ["Identity:AllowPasswordLogin"] = passwords ? "true" : "false",
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task One_button_per_provider_and_the_password_form_when_allowed(bool passwords)
    {
        await using var app = await TestApp.StartAsync(TwoProviders(passwords));

        var page = await UiCrates.GetOkPageAsync(app, "/login?returnUrl=%2Fme");

        var buttons = page.QuerySelectorAll("ul.sso-buttons a[data-sso]").ToList();
        Assert.Equal(["Corp SSO", "Lab login"], buttons.Select(b => b.TextContent.Trim()).Order(StringComparer.Ordinal).ToList());
        Assert.All(buttons, b => Assert.Equal("button", b.GetAttribute("role")));
        var corp = buttons.Single(b => b.GetAttribute("data-sso") == "corp").GetAttribute("href")!;
        Assert.StartsWith("/login/corp", corp, StringComparison.Ordinal);
        Assert.Contains("returnUrl=%2Fme", corp, StringComparison.Ordinal);
        Assert.Equal(passwords, page.QuerySelector("form.login-form input[type=password]") is not null);
    }
}
