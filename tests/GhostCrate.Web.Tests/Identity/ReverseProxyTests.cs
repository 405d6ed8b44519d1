using System.Net;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Identity;

/// <summary>ReverseProxy: forwarded client addresses count only when they come from a proxy the operator trusts.</summary>
public class ReverseProxyTests
{
    [Fact]
    public async Task A_trusted_proxy_forwards_the_client_address_to_the_audit_log_and_rate_limits()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["ReverseProxy:KnownProxies:0"] = "127.0.0.1",
            ["RateLimits:LoginPerAddress:Permits"] = "2",
            ["RateLimits:LoginPerAddress:WindowSeconds"] = "600",
        });

        Assert.Equal(HttpStatusCode.OK, (await PublishFromAsync(app, "forwarded", "203.0.113.7")).StatusCode);
        Assert.Equal("203.0.113.7", await AuditAddressAsync(app, "forwarded"));

        // Two failed logins from one forwarded client use up that client's budget, not the proxy's.
        using (var first = new WebSession(app, forwardedFor: "198.51.100.1"))
        {
            for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await first.LoginAsync("admin", "guess " + i)).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await first.LoginAsync("admin", "guess 3")).StatusCode);
        }
        using var second = new WebSession(app, forwardedFor: "198.51.100.2");
        Assert.Equal(HttpStatusCode.OK, (await second.LoginAsync("admin", "correct horse battery")).StatusCode);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_untrusted_peer_are_ignored()
    {
        await using var app = await TestApp.StartAsync(new() { ["ReverseProxy:KnownNetworks:0"] = "10.0.0.0/8" });

        Assert.Equal(HttpStatusCode.OK, (await PublishFromAsync(app, "spoofed", "203.0.113.7")).StatusCode);
        Assert.Equal("127.0.0.1", await AuditAddressAsync(app, "spoofed"));
    }

    [Fact]
    public async Task Without_the_setting_forwarded_headers_are_ignored()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await PublishFromAsync(app, "plain", "203.0.113.7")).StatusCode);
        Assert.Equal("127.0.0.1", await AuditAddressAsync(app, "plain"));
    }

    private static async Task<HttpResponseMessage> PublishFromAsync(TestApp app, string name, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/crates/new") { Content = new ByteArrayContent(CrateFileBuilder.Valid(name, "1.0.0").PublishBody()) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await app.Client(TestApp.AdminToken).SendAsync(request);
    }

    private static async Task<string?> AuditAddressAsync(TestApp app, string crate)
    {
        var events = (await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/audit?target=crate:{crate}@1.0.0"))).GetProperty("events");
        return events.EnumerateArray().Single().GetProperty("address").GetString();
    }
}
