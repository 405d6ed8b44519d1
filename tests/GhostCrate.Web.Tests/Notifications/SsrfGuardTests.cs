using System.Net;
using GhostCrate.Testing;
using GhostCrate.Web.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// The webhook client's SSRF guard (issue 21 item 3): loopback, private, link-local (cloud metadata at
/// 169.254.169.254) and the other internal ranges are refused, also written as IPv4-mapped IPv6, unless an allowed
/// range covers them; and a host name is checked on the addresses DNS returns, before any connection is made.
/// </summary>
public sealed class SsrfGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void Internal_addresses_are_refused_by_default(string address) =>
        Assert.False(new SsrfGuard([]).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(new SsrfGuard([]).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void An_allowed_range_lets_exactly_its_addresses_through()
    {
        var guard = new SsrfGuard([IPNetwork.Parse("169.254.169.254/32")]);
        Assert.True(guard.IsAllowed(IPAddress.Parse("169.254.169.254")));
        Assert.True(guard.IsAllowed(IPAddress.Parse("::ffff:169.254.169.254")));
        Assert.False(guard.IsAllowed(IPAddress.Parse("169.254.169.253")));
        Assert.False(guard.IsAllowed(IPAddress.Parse("127.0.0.1")));
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_before_connecting()
    {
        var hits = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/hook", () =>
        {
            Interlocked.Increment(ref hits);
            return Results.Ok();
        }));
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = new SsrfGuard([]).ConnectAsync, UseProxy = false });

        // "localhost" is a name: the guard sees only what DNS answers (127.0.0.1, ::1) and refuses it.
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() =>
            client.PostAsync($"http://localhost:{server.BaseAddress.Port}/hook", new StringContent("{}"), TestContext.Current.CancellationToken));
        Assert.Contains("refused to connect to localhost", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:AllowedCidrs", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, hits);

        // Allowed, the same request goes through (so the refusal above was the guard's); ::1 stays refused, so only
        // 127.0.0.1, where the server listens, is tried.
        using var allowed = new HttpClient(new SocketsHttpHandler { ConnectCallback = new SsrfGuard([IPNetwork.Parse("127.0.0.0/8")]).ConnectAsync, UseProxy = false });
        Assert.Equal(HttpStatusCode.OK, (await allowed.PostAsync($"http://localhost:{server.BaseAddress.Port}/hook", new StringContent("{}"), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(1, hits);
    }
}
