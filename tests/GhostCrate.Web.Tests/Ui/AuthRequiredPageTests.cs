using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>Registry:AuthRequired: pages need a session, and restricted crates exist only for those with a grant.</summary>
public sealed class AuthRequiredPageTests
{
    private static Task<TestApp> StartAsync() => TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });

    [Theory]
    [InlineData("/")]
    [InlineData("/search?q=x")]
    [InlineData("/crates/anything")]
    [InlineData("/users/admin")]
    public async Task Anonymous_visitors_must_log_in_first(string path)
    {
        await using var app = await StartAsync();
        using var web = new WebSession(app);

        var response = await web.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString(path), response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await web.Http.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task Restricted_crates_are_invisible_to_users_without_a_grant()
    {
        await using var app = await StartAsync();
        await UiCrates.PublishAsync(app, "open-lib", "1.0.0", description: "shared stuff");
        await UiCrates.PublishAsync(app, "secret-lib", "1.0.0", description: "shared secret stuff", deps: [CrateFileBuilder.Dependency("open-lib", "^1")]);
        var restrict = await app.Client(TestApp.AdminToken).PutAsJsonAsync("/api/v1/crates/secret-lib/access", new { restricted = true });
        Assert.True(restrict.IsSuccessStatusCode, await restrict.Content.ReadAsStringAsync());
        await Users.CreateWithTokenAsync(app, "outsider");
        using var outsider = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await outsider.LoginAsync("outsider", "a long enough password")).StatusCode);
        using var admin = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.LoginAsync("admin", "correct horse battery")).StatusCode);
        var parser = new HtmlParser();

        var search = parser.ParseDocument(await outsider.Http.GetStringAsync("/search?q=shared"));
        Assert.Equal(["open-lib"], search.QuerySelectorAll("#results tr[data-crate]").Select(r => r.GetAttribute("data-crate")));
        var home = await outsider.Http.GetStringAsync("/");
        Assert.DoesNotContain("secret-lib", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync("/crates/secret-lib")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync("/crates/secret-lib/1.0.0/graph")).StatusCode);
        var dependents = await outsider.Http.GetStringAsync("/crates/open-lib");
        Assert.DoesNotContain("secret-lib", dependents, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync("/api/v1/crates/secret-lib/downloads")).StatusCode);

        var adminSearch = parser.ParseDocument(await admin.Http.GetStringAsync("/search?q=shared"));
        Assert.Equal(2, adminSearch.QuerySelectorAll("#results tr[data-crate]").Length);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/crates/secret-lib")).StatusCode);
        Assert.Contains("secret-lib", await admin.Http.GetStringAsync("/crates/open-lib"), StringComparison.Ordinal);
    }
}
