using System.Net;
using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

public class SparseIndexTests
{
    [Fact]
    public async Task A_served_file_is_kept_in_memory_and_a_yank_on_this_node_is_served_at_once()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("keepy", "1.0.0").PublishBody())).StatusCode);
        var cache = app.Services.GetRequiredService<IndexFileCache>();
        var first = await app.Client().GetAsync("/index/ke/ep/keepy");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, cache.Count);

        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/keepy/1.0.0/yank")).StatusCode);

        var second = await app.Client().GetAsync("/index/ke/ep/keepy");
        Assert.Contains("\"yanked\":true", await second.Content.ReadAsStringAsync());
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task A_write_that_bypassed_this_node_is_served_once_the_node_has_followed_the_change_counter()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("other", "1.0.0").PublishBody())).StatusCode);
        var follower = app.Services.GetRequiredService<IndexChangeFollower>();
        await follower.CatchUpAsync(CancellationToken.None); // the background listener's first round, whenever it ran
        Assert.DoesNotContain("\"yanked\":true", await app.Client().GetStringAsync("/index/ot/he/other"));

        // As another process on the same database would: the repository's transaction, no invalidation on this node.
        Assert.True(await app.Services.GetRequiredService<ICrateRepository>().SetYankedAsync("other", "1.0.0", true, DateTimeOffset.UtcNow, CancellationToken.None));
        await follower.CatchUpAsync(CancellationToken.None);

        Assert.Contains("\"yanked\":true", await app.Client().GetStringAsync("/index/ot/he/other"));
    }

    [Fact]
    public async Task Config_json_points_cargo_at_this_server()
    {
        await using var app = await TestApp.StartAsync();
        var config = await Json.ReadAsync(await app.Client().GetAsync("/index/config.json"));
        var baseUrl = app.BaseAddress.ToString().TrimEnd('/');
        Assert.Equal(baseUrl + "/api/v1/crates", config.GetProperty("dl").GetString());
        Assert.Equal(baseUrl, config.GetProperty("api").GetString());
        Assert.False(config.TryGetProperty("auth-required", out var required) && required.GetBoolean());
    }

    [Fact]
    public async Task Public_url_setting_wins_over_the_request_host()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:PublicUrl"] = "https://crates.example.com/" });
        var config = await Json.ReadAsync(await app.Client().GetAsync("/index/config.json"));
        Assert.Equal("https://crates.example.com/api/v1/crates", config.GetProperty("dl").GetString());
    }

    [Fact]
    public async Task Etag_and_last_modified_revalidate_with_304_and_change_after_a_yank()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("cachey", "1.0.0").PublishBody())).StatusCode);
        var client = app.Client();
        var first = await client.GetAsync("/index/ca/ch/cachey");
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.NotNull(first.Content.Headers.LastModified);
        Assert.Contains("no-cache", first.Headers.CacheControl!.ToString());

        using (var conditional = new HttpRequestMessage(HttpMethod.Get, "/index/ca/ch/cachey"))
        {
            conditional.Headers.IfNoneMatch.Add(etag);
            var notModified = await client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            // RFC 9110 §15.4.5: the validator and the caching rules again, no other metadata.
            Assert.Equal(etag, notModified.Headers.ETag);
            Assert.Contains("no-cache", notModified.Headers.CacheControl!.ToString());
            Assert.Null(notModified.Content.Headers.LastModified);
        }
        using (var since = new HttpRequestMessage(HttpMethod.Get, "/index/ca/ch/cachey"))
        {
            since.Headers.IfModifiedSince = first.Content.Headers.LastModified;
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(since)).StatusCode);
        }

        var yank = await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/cachey/1.0.0/yank");
        Assert.Equal(HttpStatusCode.OK, yank.StatusCode);

        using var after = new HttpRequestMessage(HttpMethod.Get, "/index/ca/ch/cachey");
        after.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        var line = JsonDocument.Parse((await changed.Content.ReadAsStringAsync()).TrimEnd()).RootElement;
        Assert.True(line.GetProperty("yanked").GetBoolean());
    }

    [Fact]
    public async Task Head_answers_index_files_and_config_json_with_the_headers_of_a_get_and_no_body()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("heady", "1.0.0").PublishBody())).StatusCode);
        var client = app.Client();
        var get = await client.GetAsync("/index/he/ad/heady");

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/index/he/ad/heady"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var config = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/index/config.json"));
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        using var missing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/index/no/ne/nonexistent"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("/index/no/ne/nonexistent")]
    [InlineData("/index/xx/yy/nonexistent")]
    [InlineData("/index/../config.json")]
    [InlineData("/index/1/ab")]
    public async Task Unknown_or_malformed_paths_are_404(string path)
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Auth_required_mode_challenges_anonymous_readers_and_admits_tokens()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AuthRequired"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("secret", "1.0.0").PublishBody())).StatusCode);
        foreach (var path in new[] { "/index/config.json", "/index/se/cr/secret", "/api/v1/crates/secret/1.0.0/download", "/api/v1/crates?q=secret" })
        {
            var anonymous = await app.Client().GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("login_url=", anonymous.Headers.WwwAuthenticate.ToString());
            Assert.NotEmpty(await Json.ErrorDetailAsync(anonymous));

            var wrong = await app.Client("gcr_wrong_wrong_wrong_wrong_wrong").GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

            var authed = await app.Client(TestApp.AdminToken).GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, authed.StatusCode);
        }
        var config = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync("/index/config.json"));
        Assert.True(config.GetProperty("auth-required").GetBoolean());
    }

    [Fact]
    public async Task Download_of_unknown_version_is_a_cargo_404()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client().GetAsync("/api/v1/crates/nothing/1.0.0/download");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nothing", await Json.ErrorDetailAsync(response));
    }
}
