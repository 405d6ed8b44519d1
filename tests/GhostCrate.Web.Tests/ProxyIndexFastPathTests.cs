using System.Net;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static GhostCrate.Web.Tests.Support.FastPathComparison;

namespace GhostCrate.Web.Tests;

/// <summary>
/// A proxy mount's index files held fresh in a node's memory are answered by the index fast path before routing
/// (SparseIndexFastPath, ProxyIndexService.TryGetFresh): exactly as the mount's endpoint answers them, and without a
/// database query or an upstream request.
/// </summary>
public class ProxyIndexFastPathTests
{
    private static readonly string[] ComparedHeaders = ["Cache-Control", "ETag", "Last-Modified", "Content-Type", "Content-Length", "X-GhostCrate-Cache", "WWW-Authenticate"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answers_are_the_same_with_and_without_the_fast_path(bool authRequired)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Proxy:Upstreams:crates-io:Ttl"] = "01:00:00",
            ["Registry:AuthRequired"] = authRequired ? "true" : "false",
            // Index answers only: the .crate downloads a read starts (ProxyCratePrefetch) would count as upstream requests.
            ["Proxy:Upstreams:crates-io:PrefetchCrates"] = "false",
        };
        await using var pair = await ProxyPair.StartAsync(settings);
        await pair.PublishUpstreamAsync("demo", "1.0.0");
        await pair.PublishUpstreamAsync("Mixed_Case", "1.0.0");
        // A second proxy node on the same data directory, without the fast path: the mount's endpoint answers there.
        var slowSettings = ProxyPair.ProxySettings(pair.Upstream.BaseAddress);
        foreach (var (k, v) in settings) slowSettings[k] = v;
        slowSettings["DataDir"] = pair.Proxy.DataDir;
        await using var slow = await TestApp.StartAsync(slowSettings, services => Without<SparseIndexFastPathStartupFilter>(services));

        var first = await pair.Proxy.Client(TestApp.AdminToken).GetAsync("/crates-io/index/de/mo/demo");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client(TestApp.AdminToken).GetAsync("/crates-io/index/mi/xe/mixed_case")).StatusCode);
        // Stored, so the other node answers from the same copy (a node writes what it fetched once the build pauses).
        await pair.Proxy.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        var etag = first.Headers.ETag!.Tag;
        var lastModified = first.Content.Headers.LastModified!.Value;
        var upstreamRequests = pair.Control.TotalRequests;

        var requests = new List<Func<HttpRequestMessage>>();
        foreach (var token in new string?[] { null, TestApp.AdminToken, "gcr_wrong_wrong_wrong_wrong_wrong" })
        {
            foreach (var path in new[]
            {
                "/crates-io/index/de/mo/demo", "/crates-io/INDEX/de/mo/demo", "/CRATES-IO/index/de/mo/demo", "/crates-io/index/mi/xe/mixed_case",
                "/crates-io/index/DE/MO/demo", "/crates-io/index/de/mo/demo/", "/crates-io/index/de/mo/Demo",
            })
            {
                requests.Add(() => Request(HttpMethod.Get, path, token));
                requests.Add(() => Request(HttpMethod.Head, path, token));
            }
            const string file = "/crates-io/index/de/mo/demo";
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", etag)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"other\", W/" + etag)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"other\"")));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfModifiedSince = lastModified));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfModifiedSince = lastModified.AddSeconds(-1)));
        }

        foreach (var make in requests)
        {
            await AssertSameAnswerAsync(pair.Proxy, slow, make, ComparedHeaders);
        }
        // Every file was fresh: the fast node never asked the upstream again.
        Assert.Equal(upstreamRequests, pair.Control.TotalRequests);
    }

    [Fact]
    public async Task A_fresh_file_is_served_from_memory_and_a_due_one_is_revalidated_upstream()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var pair = await ProxyPair.StartAsync(new() { ["Proxy:Upstreams:crates-io:Ttl"] = "00:10:00" }, s => s.AddSingleton<TimeProvider>(clock));
        await pair.PublishUpstreamAsync("memo", "1.0.0");
        Assert.Equal(HttpStatusCode.OK, (await pair.Proxy.Client().GetAsync("/crates-io/index/me/mo/memo")).StatusCode);
        await pair.PublishUpstreamAsync("memo", "1.1.0");
        var afterFirst = pair.Control.TotalRequests; // the upstream counts the publish too
        var fresh = await pair.Proxy.Client().GetStringAsync("/crates-io/index/me/mo/memo");
        Assert.Single(fresh.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(afterFirst, pair.Control.TotalRequests);

        // Once the Ttl has passed, the copy in memory is not used: the upstream is asked and the new version shows.
        clock.Advance(TimeSpan.FromMinutes(11));
        var due = await pair.Proxy.Client().GetStringAsync("/crates-io/index/me/mo/memo");
        Assert.True(due.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 2, $"after {pair.Control.TotalRequests - afterFirst} upstream requests: {due}");
        Assert.True(pair.Control.TotalRequests > afterFirst);
    }
}
