using System.Net;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

/// <summary>
/// Host-header poisoning: a request's Host must never choose the URLs another client gets (config.json's `dl` and
/// `api`, login_url, page snippets), whether through the answer itself or through a shared cache in front.
/// </summary>
public class HostHeaderTests
{
    private const string Foreign = "evil.example";

    [Fact]
    public async Task Without_a_public_url_a_host_derived_config_json_is_never_publicly_cacheable()
    {
        await using var app = await TestApp.StartAsync(new() { ["Proxy:Enabled"] = "true" });

        foreach (var path in new[] { "/index/config.json", "/crates-io/index/config.json", "/api/openapi.json" })
        {
            using var response = await SendAsync(app, HttpMethod.Get, path, Foreign);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // Loopback without PublicUrl: the URLs follow the Host, so the answer is for this client only.
            Assert.Contains(Foreign, await response.Content.ReadAsStringAsync());
            Assert.True(response.Headers.CacheControl?.Private, $"{path}: Cache-Control {response.Headers.CacheControl}");
            Assert.False(response.Headers.CacheControl?.Public, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }
        using var page = await SendAsync(app, HttpMethod.Get, "/", Foreign);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(Foreign, await page.Content.ReadAsStringAsync()); // the setup snippet on the home page
        Assert.False(page.Headers.CacheControl?.Public ?? false);
        Assert.True(page.Headers.CacheControl is { Private: true } or { NoStore: true }, $"Cache-Control {page.Headers.CacheControl}");
    }

    [Fact]
    public async Task With_a_public_url_a_foreign_host_never_appears_in_config_json_or_pages()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:PublicUrl"] = "https://crates.example.com/", ["Proxy:Enabled"] = "true" });

        using var config = await SendAsync(app, HttpMethod.Get, "/index/config.json", Foreign);
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        var json = await Json.ReadAsync(config);
        Assert.Equal("https://crates.example.com/api/v1/crates", json.GetProperty("dl").GetString());
        Assert.Equal("https://crates.example.com", json.GetProperty("api").GetString());
        // The same answer for every Host: a shared cache may keep it.
        Assert.True(config.Headers.CacheControl?.Public, $"Cache-Control {config.Headers.CacheControl}");

        using var openApi = await SendAsync(app, HttpMethod.Get, "/api/openapi.json", Foreign);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal("https://crates.example.com", (await Json.ReadAsync(openApi)).GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.True(openApi.Headers.CacheControl?.Public, $"Cache-Control {openApi.Headers.CacheControl}");

        using var proxied = await SendAsync(app, HttpMethod.Get, "/crates-io/index/config.json", Foreign);
        Assert.Equal("https://crates.example.com/crates-io/api/v1/crates", (await Json.ReadAsync(proxied)).GetProperty("dl").GetString());

        foreach (var path in new[] { "/", "/login" })
        {
            using var page = await SendAsync(app, HttpMethod.Get, path, Foreign);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Foreign, html, StringComparison.OrdinalIgnoreCase);
        }
        using var home = await SendAsync(app, HttpMethod.Get, "/", Foreign);
        Assert.Contains("https://crates.example.com/index/", await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task With_a_public_url_login_url_names_the_public_url_whatever_the_host()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:PublicUrl"] = "https://crates.example.com", ["Registry:AuthRequired"] = "true" });

        using var response = await SendAsync(app, HttpMethod.Get, "/index/config.json", Foreign);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(" ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Contains("login_url=\"https://crates.example.com/me\"", challenge);
        Assert.DoesNotContain(Foreign, challenge);
    }

    [Fact]
    public async Task With_allowed_hosts_a_foreign_host_is_refused_before_anything_answers()
    {
        await using var app = await TestApp.StartAsync(new() { ["Registry:AllowedHosts:0"] = "crates.example.com", ["Registry:AllowedHosts:1"] = "*.internal.example" });
        using (var publish = new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/new") { Content = new ByteArrayContent(CrateFileBuilder.Valid("hosted", "1.0.0").PublishBody()) })
        {
            publish.Headers.Host = "crates.example.com";
            Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).SendAsync(publish)).StatusCode);
        }

        // The fast paths (index file, download) too: nothing is answered for a host this server does not serve.
        foreach (var path in new[] { "/index/config.json", "/index/ho/st/hosted", "/api/v1/crates/hosted/1.0.0/download", "/", "/login", "/api/v1/csrf", "/health" })
        {
            using var refused = await SendAsync(app, HttpMethod.Get, path, Foreign);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("evil.example", await Json.ErrorDetailAsync(refused));
            Assert.Contains("Registry:AllowedHosts", await Json.ErrorDetailAsync(refused));
        }

        // Listed hosts (case-insensitive, any port, wildcard subdomains) are answered, with URLs for that host.
        foreach (var host in new[] { "crates.example.com", "CRATES.example.com:8443", "node1.internal.example" })
        {
            using var config = await SendAsync(app, HttpMethod.Get, "/index/config.json", host);
            Assert.Equal(HttpStatusCode.OK, config.StatusCode);
            Assert.Equal($"http://{host.ToLowerInvariant()}/api/v1/crates", (await Json.ReadAsync(config)).GetProperty("dl").GetString()!.ToLowerInvariant());
            Assert.True(config.Headers.CacheControl?.Private, $"Cache-Control {config.Headers.CacheControl}");
            using var file = await SendAsync(app, HttpMethod.Get, "/index/ho/st/hosted", host);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }
        using var bareWildcard = await SendAsync(app, HttpMethod.Get, "/health", "internal.example");
        Assert.Equal(HttpStatusCode.BadRequest, bareWildcard.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, HttpMethod method, string path, string host, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        return await app.Client(token).SendAsync(request);
    }
}
