using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Identity;

public class TokenApiTests
{
    private static async Task<JsonElement> CreateTokenAsync(HttpClient client, object apiToken, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PutAsJsonAsync("/api/v1/me/tokens", new { api_token = apiToken });
        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync());
        return await Json.ReadAsync(response);
    }

    [Fact]
    public async Task A_token_is_shown_once_listed_without_its_secret_and_revocable()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.Client(TestApp.AdminToken);

        var created = (await CreateTokenAsync(admin, new { name = "ci", endpoint_scopes = new[] { "publish-update", "yank" }, crate_scopes = new[] { "acme-*" }, expired_at = DateTimeOffset.UtcNow.AddDays(3) })).GetProperty("api_token");
        var secret = created.GetProperty("token").GetString()!;
        Assert.StartsWith("gcr_", secret);
        Assert.Equal(["publish-update", "yank"], created.GetProperty("endpoint_scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["acme-*"], created.GetProperty("crate_scopes").EnumerateArray().Select(e => e.GetString()));

        var listText = await admin.GetStringAsync("/api/v1/me/tokens");
        Assert.DoesNotContain(secret, listText);
        var listed = JsonDocument.Parse(listText).RootElement.GetProperty("api_tokens").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "ci");
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("token").ValueKind);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("last_used_at").ValueKind);

        // Use it once: last use is recorded.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client(secret).DeleteAsync("/api/v1/crates/acme-none/1.0.0/yank")).StatusCode);
        var afterUse = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/me/tokens")).RootElement.GetProperty("api_tokens").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "ci");
        Assert.NotEqual(JsonValueKind.Null, afterUse.GetProperty("last_used_at").ValueKind);

        var id = created.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/me/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/me/tokens/{id}")).StatusCode);
        var revoked = await app.Client(secret).DeleteAsync("/api/v1/crates/acme-none/1.0.0/yank");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("revoked", await Json.ErrorDetailAsync(revoked));
    }

    [Fact]
    public async Task Tokens_current_revokes_the_token_of_the_request()
    {
        await using var app = await TestApp.StartAsync();
        var secret = (await CreateTokenAsync(app.Client(TestApp.AdminToken), new { name = "job", endpoint_scopes = new[] { "yank" } })).GetProperty("api_token").GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client(secret).DeleteAsync("/api/v1/tokens/current")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(secret).DeleteAsync("/api/v1/tokens/current")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().DeleteAsync("/api/v1/tokens/current")).StatusCode);
    }

    [Fact]
    public async Task Publishing_with_a_yank_only_token_names_the_missing_scope()
    {
        await using var app = await TestApp.StartAsync();
        var secret = (await CreateTokenAsync(app.Client(TestApp.AdminToken), new { name = "yanker", endpoint_scopes = new[] { "yank" } })).GetProperty("api_token").GetProperty("token").GetString()!;

        var denied = await app.PublishAsync(CrateFileBuilder.Valid("scoped-one", "1.0.0").PublishBody(), secret);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var detail = await Json.ErrorDetailAsync(denied);
        Assert.Contains("`publish-new`", detail);
        Assert.Contains("`yank`", detail);
        Assert.Empty(app.BlobFiles());
    }

    [Fact]
    public async Task Bad_token_requests_are_refused_with_problem_details()
    {
        await using var app = await TestApp.StartAsync();
        var admin = app.Client(TestApp.AdminToken);
        foreach (var bad in new object[]
        {
            new { name = "", endpoint_scopes = new[] { "yank" } },
            new { name = "x", endpoint_scopes = new[] { "publish" } },
            new { name = "x", crate_scopes = new[] { "*acme" } },
            new { name = "x", crate_scopes = Array.Empty<string>() },
            new { name = "x", expired_at = DateTimeOffset.UtcNow.AddDays(-1) },
        })
        {
            var response = await admin.PutAsJsonAsync("/api/v1/me/tokens", new { api_token = bad });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().PutAsJsonAsync("/api/v1/me/tokens", new { api_token = new { name = "anon" } })).StatusCode);
    }

    [Fact]
    public async Task A_scoped_token_cannot_mint_or_list_tokens()
    {
        await using var app = await TestApp.StartAsync();
        var scoped = (await CreateTokenAsync(app.Client(TestApp.AdminToken), new { name = "narrow", crate_scopes = new[] { "acme-*" } })).GetProperty("api_token").GetProperty("token").GetString()!;

        var mint = await app.Client(scoped).PutAsJsonAsync("/api/v1/me/tokens", new { api_token = new { name = "wide" } });
        Assert.Equal(HttpStatusCode.Forbidden, mint.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client(scoped).GetAsync("/api/v1/me/tokens")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/admin/users")]
    [InlineData("GET", "/api/v1/admin/orgs")]
    [InlineData("GET", "/api/v1/admin/audit")]
    [InlineData("GET", "/api/v1/admin/proxy/status")]
    [InlineData("GET", "/api/v1/admin/mirror/status")]
    [InlineData("POST", "/api/v1/admin/proxy/crates-io/warm")]
    public async Task An_administrators_scoped_token_is_not_an_administrator(string method, string path)
    {
        await using var app = await TestApp.StartAsync();
        var scoped = (await CreateTokenAsync(app.Client(TestApp.AdminToken), new { name = "narrow", endpoint_scopes = new[] { "publish-update" } })).GetProperty("api_token").GetProperty("token").GetString()!;

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { crates = new[] { "serde" } }) : null };
        var response = await app.Client(scoped).SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("scoped", (await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).GetAsync(path.Replace("/crates-io/warm", "/status", StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_its_expiry()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(overrideServices: s => s.AddSingleton<TimeProvider>(clock));
        var secret = (await CreateTokenAsync(app.Client(TestApp.AdminToken), new { name = "short", expired_at = clock.GetUtcNow().AddHours(1) })).GetProperty("api_token").GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.Client(secret).GetAsync("/api/v1/me")).StatusCode);

        clock.Advance(TimeSpan.FromHours(2));
        var expired = await app.PublishAsync(CrateFileBuilder.Valid("late", "1.0.0").PublishBody(), secret);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await Json.ErrorDetailAsync(expired));
    }
}
