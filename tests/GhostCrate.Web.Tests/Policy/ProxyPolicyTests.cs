using System.Net;
using System.Net.Http.Json;
using GhostCrate.Core.Storage;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Policy;

/// <summary>
/// The download policy on the proxy (two real GhostCrates, <see cref="ProxyPair"/>): a blocked version is refused
/// before it is fetched, so it never enters the cache; fresh versions are quarantined by their upstream `pubtime`.
/// </summary>
public class ProxyPolicyTests
{
    /// <summary>Whether the file is in the proxy's store, once everything fetched so far is stored (ProxyWriteBehind).</summary>
    private static async Task<bool> CachedAsync(ProxyPair pair, string name, string version)
    {
        await pair.Proxy.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        return await pair.Proxy.Services.GetRequiredService<IBlobStore>().ExistsAsync(BlobKey.ProxyCrateFile("crates-io", name, version), CancellationToken.None);
    }

    [Fact]
    public async Task A_proxied_affected_version_is_refused_and_not_cached_and_the_patched_one_is_served()
    {
        await using var pair = await ProxyPair.StartAsync(new() { ["Policy:BlockSeverity"] = "High" });
        await pair.PublishUpstreamAsync("smallvec", "1.6.0");
        await pair.PublishUpstreamAsync("smallvec", "1.6.1");
        await DownloadPolicyTests.SyncAsync(pair.Proxy, DownloadPolicyTests.Critical);

        var refused = await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/smallvec/1.6.0/download");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var detail = await Json.ErrorDetailAsync(refused);
        Assert.Contains("RUSTSEC-2021-0003", detail, StringComparison.Ordinal);
        Assert.Contains(">= 1.6.1", detail, StringComparison.Ordinal);
        Assert.False(await CachedAsync(pair, "smallvec", "1.6.0"));

        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client().GetAsync("/crates-io/api/v1/crates/smallvec/1.6.1/download")).StatusCode);
        Assert.True(await CachedAsync(pair, "smallvec", "1.6.1"));
    }

    [Fact]
    public async Task A_fresh_upstream_version_is_quarantined_until_it_ages_unless_its_crate_is_exempt()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var pair = await ProxyPair.StartAsync(new() { ["Proxy:QuarantineHours"] = "24" }, s => s.AddSingleton<TimeProvider>(clock));
        await pair.PublishUpstreamAsync("fresh", "1.0.0");
        await pair.PublishUpstreamAsync("urgent", "1.0.0");
        var client = pair.Proxy.Client();

        var quarantined = await client.GetAsync("/crates-io/api/v1/crates/fresh/1.0.0/download");
        Assert.Equal(HttpStatusCode.Forbidden, quarantined.StatusCode);
        var detail = await Json.ErrorDetailAsync(quarantined);
        Assert.Contains("quarantined", detail, StringComparison.Ordinal);
        Assert.Contains("published upstream `crates-io`", detail, StringComparison.Ordinal);
        Assert.False(await CachedAsync(pair, "fresh", "1.0.0"));

        // An administrator lets an urgent fix through; the other crate waits.
        var admin = pair.Proxy.Client(TestApp.AdminToken);
        var exempt = await admin.PutAsJsonAsync("/api/v1/admin/quarantine/exemptions/urgent", new { reason = "fix for INC-7", until = "2999-01-01" });
        Assert.True(exempt.IsSuccessStatusCode, await exempt.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/crates-io/api/v1/crates/urgent/1.0.0/download")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/crates-io/api/v1/crates/fresh/1.0.0/download")).StatusCode);

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/crates-io/api/v1/crates/fresh/1.0.0/download")).StatusCode);
    }
}
