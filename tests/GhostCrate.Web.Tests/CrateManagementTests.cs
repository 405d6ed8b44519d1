using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

public class CrateManagementTests
{
    [Fact]
    public async Task Yank_and_unyank_need_an_owner_and_are_idempotent()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("yanky", "1.0.0").PublishBody())).StatusCode);
        var stranger = await Users.CreateWithTokenAsync(app, "stranger");

        var denied = await app.Client(stranger).DeleteAsync("/api/v1/crates/yanky/1.0.0/yank");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("not an owner", await Json.ErrorDetailAsync(denied));

        var owner = app.Client(TestApp.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await owner.DeleteAsync("/api/v1/crates/yanky/1.0.0/yank")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.DeleteAsync("/api/v1/crates/yanky/1.0.0/yank")).StatusCode);
        Assert.Contains("\"yanked\":true", await app.Client().GetStringAsync("/index/ya/nk/yanky"));
        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsync("/api/v1/crates/yanky/1.0.0/unyank", null)).StatusCode);
        Assert.Contains("\"yanked\":false", await app.Client().GetStringAsync("/index/ya/nk/yanky"));

        var missing = await owner.DeleteAsync("/api/v1/crates/yanky/9.9.9/yank");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Owners_can_be_listed_added_and_removed_but_never_all_removed()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("owned", "1.0.0").PublishBody())).StatusCode);
        var aliceToken = await Users.CreateWithTokenAsync(app, "alice");
        var admin = app.Client(TestApp.AdminToken);

        var add = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/owned/owners") { Content = JsonContent.Create(new { users = new[] { "alice" } }) });
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        var list = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/owned/owners"));
        Assert.Equal(["admin", "alice"], list.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("login").GetString()).Order());

        // alice is now an owner and may publish a new version.
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("owned", "1.1.0").PublishBody(), aliceToken)).StatusCode);

        var unknown = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/owned/owners") { Content = JsonContent.Create(new { users = new[] { "nobody" } }) });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("nobody", await Json.ErrorDetailAsync(unknown));

        var everyone = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/crates/owned/owners") { Content = JsonContent.Create(new { users = new[] { "admin", "alice" } }) });
        Assert.Equal(HttpStatusCode.BadRequest, everyone.StatusCode);

        var remove = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/crates/owned/owners") { Content = JsonContent.Create(new { users = new[] { "alice" } }) });
        Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.PublishAsync(CrateFileBuilder.Valid("owned", "1.2.0").PublishBody(), aliceToken)).StatusCode);
    }

    [Fact]
    public async Task Search_matches_name_and_description_and_reports_the_total()
    {
        await using var app = await TestApp.StartAsync();
        foreach (var name in new[] { "search-alpha", "search-beta", "unrelated" })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid(name, "1.0.0").PublishBody())).StatusCode);
        }
        var found = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates?q=search&per_page=1"));
        Assert.Equal(2, found.GetProperty("meta").GetProperty("total").GetInt64());
        Assert.Single(found.GetProperty("crates").EnumerateArray());
        var exact = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates?q=search-beta"));
        Assert.Equal("search-beta", exact.GetProperty("crates")[0].GetProperty("name").GetString());
        Assert.Equal("1.0.0", exact.GetProperty("crates")[0].GetProperty("max_version").GetString());
        var none = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates?q=%25"));
        Assert.Equal(0, none.GetProperty("meta").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Scoped_tokens_are_limited_to_their_endpoints_and_crates()
    {
        await using var app = await TestApp.StartAsync();
        var yankOnly = await Users.CreateWithTokenAsync(app, "carol", new TokenScopes([TokenScopes.Yank], null));
        var denied = await app.PublishAsync(CrateFileBuilder.Valid("carols", "1.0.0").PublishBody(), yankOnly);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("publish-new", await Json.ErrorDetailAsync(denied));

        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<UserService>(app.Services);
        var prefixed = (await users.CreateTokenAsync("carol", "acme", null, new TokenScopes(null, ["acme-*"]), CancellationToken.None)).Value!.Secret;
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("acme-util", "1.0.0").PublishBody(), prefixed)).StatusCode);
        var other = await app.PublishAsync(CrateFileBuilder.Valid("other", "1.0.0").PublishBody(), prefixed);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("acme-*", await Json.ErrorDetailAsync(other));
    }

    [Fact]
    public async Task Unknown_api_routes_answer_in_cargo_format()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client().GetAsync("/api/v1/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", await Json.ErrorDetailAsync(response));
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/health")).StatusCode);
        var ready = await app.Client().GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("healthy", (await Json.ReadAsync(ready)).GetProperty("status").GetString());
    }
}
