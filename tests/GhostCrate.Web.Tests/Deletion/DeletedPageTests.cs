using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Deletion;

/// <summary>
/// Pages of deleted versions and crates say so, when and why (410 Gone, issues 20 and 23), instead of a plain 404;
/// administrators list every tombstone on /admin/deleted and through `GET /api/v1/admin/deleted`.
/// </summary>
public sealed class DeletedPageTests
{
    private const string AdminPassword = "correct horse battery";

    private static async Task PublishOkAsync(TestApp app, string name, string version)
    {
        var response = await app.PublishAsync(CrateFileBuilder.Valid(name, version).PublishBody(), TestApp.AdminToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var response = await client.GetAsync(path);
        Assert.True(expected == response.StatusCode, $"GET {path}: expected {expected}, got {(int)response.StatusCode}");
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_deleted_version_and_a_deleted_crate_say_when_and_why_and_a_missing_one_is_still_not_found()
    {
        await using var app = await TestApp.StartAsync();
        await PublishOkAsync(app, "kept", "1.0.0");
        await PublishOkAsync(app, "kept", "1.1.0");
        await PublishOkAsync(app, "gone", "0.1.0");
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/crates/kept/1.1.0?message=leaked%20a%20key")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/crates/gone?message=abandoned")).StatusCode);
        var anonymous = app.Client();

        var version = await PageAsync(anonymous, "/crates/kept/1.1.0", HttpStatusCode.Gone);
        Assert.Equal("kept 1.1.0 was deleted", version.QuerySelector("h1")!.TextContent);
        Assert.Contains($"was deleted on {DateTimeOffset.UtcNow:yyyy-MM-dd} by admin", version.QuerySelector(".error-page")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Reason: leaked a key", version.QuerySelector("[data-deleted-reason]")!.TextContent);
        Assert.NotNull(version.QuerySelector("[data-existing-crate] a[href='/crates/kept']"));
        // The source browser of the deleted version says the same.
        Assert.Equal("kept 1.1.0 was deleted", (await PageAsync(anonymous, "/crates/kept/1.1.0/source", HttpStatusCode.Gone)).QuerySelector("h1")!.TextContent);

        // Without auth-required no crate was hidden from anyone, so a deleted crate's page is for everyone too.
        var crate = await PageAsync(anonymous, "/crates/gone", HttpStatusCode.Gone);
        Assert.Equal("gone was deleted", crate.QuerySelector("h1")!.TextContent);
        Assert.Equal("Reason: abandoned", crate.QuerySelector("[data-deleted-reason]")!.TextContent);
        Assert.Null(crate.QuerySelector("[data-existing-crate]"));
        Assert.Contains("and the crate later with it", (await PageAsync(anonymous, "/crates/gone/0.1.0", HttpStatusCode.Gone)).QuerySelector(".error-page")!.TextContent, StringComparison.Ordinal);

        // Never deleted, never there: still a plain 404 (with the link to the crate that exists).
        var missing = await PageAsync(anonymous, "/crates/kept/9.9.9", HttpStatusCode.NotFound);
        Assert.Null(missing.QuerySelector("[data-deleted-reason]"));
        Assert.NotNull(missing.QuerySelector("[data-existing-crate]"));
        Assert.Null((await PageAsync(anonymous, "/crates/never-was", HttpStatusCode.NotFound)).QuerySelector("[data-deleted-reason]"));

        // A JSON client gets problem details with the same status.
        var json = new HttpRequestMessage(HttpMethod.Get, "/crates/kept/1.1.0");
        json.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var problem = await anonymous.SendAsync(json);
        Assert.Equal(HttpStatusCode.Gone, problem.StatusCode);
        Assert.Equal("kept 1.1.0 was deleted", (await Json.ReadAsync(problem)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task With_auth_required_a_deleted_crate_is_told_only_to_administrators_and_its_former_owners()
    {
        // The tombstone cannot say whether the crate was restricted, so its name must not reach anyone else.
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        var users = app.Services.GetRequiredService<Core.Identity.UserService>();
        foreach (var name in new[] { "olga", "bob" }) Assert.True((await users.CreateUserAsync(name, "a long enough password", isAdmin: false, CancellationToken.None)).IsSuccess);
        var olgaToken = (await users.CreateTokenAsync("olga", "ci", null, Core.Identity.TokenScopes.Unrestricted, CancellationToken.None)).Value!.Secret;
        var published = await app.PublishAsync(CrateFileBuilder.Valid("olgas-secret", "0.1.0").PublishBody(), olgaToken);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/olgas-secret?message=moved")).StatusCode);

        foreach (var (name, password, expected) in new[] { ("admin", AdminPassword, HttpStatusCode.Gone), ("olga", "a long enough password", HttpStatusCode.Gone), ("bob", "a long enough password", HttpStatusCode.NotFound) })
        {
            using var web = new WebSession(app);
            Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync(name, password)).StatusCode);
            var page = await PageAsync(web.Http, "/crates/olgas-secret", expected);
            Assert.Equal(expected == HttpStatusCode.Gone, page.QuerySelector("[data-deleted-reason]") is not null);
        }
    }

    [Fact]
    public async Task Administrators_list_tombstones_on_a_page_linked_from_the_admin_navigation_and_through_the_api()
    {
        await using var app = await TestApp.StartAsync();
        await PublishOkAsync(app, "kept", "1.0.0");
        await PublishOkAsync(app, "kept", "1.1.0");
        var admin = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/crates/kept/1.1.0?message=leaked%20a%20key")).StatusCode);

        var listed = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/deleted"));
        var entry = Assert.Single(listed.GetProperty("deleted").EnumerateArray());
        Assert.Equal(("kept", "1.1.0", "leaked a key", false), (entry.GetProperty("crate").GetString(), entry.GetProperty("version").GetString(), entry.GetProperty("reason").GetString(), entry.GetProperty("crate_deleted").GetBoolean()));
        Assert.Equal(1, listed.GetProperty("meta").GetProperty("total").GetInt64());
        var user = app.Client(await Users.CreateWithTokenAsync(app, "user"));
        var refused = await user.GetAsync("/api/v1/admin/deleted");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);

        using var web = new WebSession(app);
        Assert.Equal(HttpStatusCode.OK, (await web.LoginAsync("admin", AdminPassword)).StatusCode);
        var overview = await PageAsync(web.Http, "/admin", HttpStatusCode.OK);
        Assert.NotNull(overview.QuerySelector(".admin-nav a[href='/admin/deleted']"));
        var page = await PageAsync(web.Http, "/admin/deleted", HttpStatusCode.OK);
        var row = page.QuerySelector("tr[data-deleted='kept@1.1.0']")!;
        Assert.Contains("leaked a key", row.TextContent, StringComparison.Ordinal);
        Assert.NotNull(row.QuerySelector("a[href='/crates/kept']"));
    }
}
