using System.Net;
using GhostCrate.Testing;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static GhostCrate.Web.Tests.Support.FastPathComparison;

namespace GhostCrate.Web.Tests;

/// <summary>
/// A proxy mount's .crate files cached on this machine are answered by the download fast path before routing
/// (DownloadFastPath.ProxiedAsync): exactly as the mount's endpoint answers them, counted as cache hits, and without an
/// upstream request. Misses are fetched through the mount's service there too; refusals and conditional or range
/// requests go to the endpoint.
/// </summary>
public class ProxyDownloadFastPathTests
{
    private static readonly string[] ComparedHeaders = ["Cache-Control", "ETag", "Last-Modified", "Content-Type", "Content-Length", "Accept-Ranges", "Content-Range", "WWW-Authenticate"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answers_are_the_same_with_and_without_the_fast_path(bool authRequired)
    {
        var settings = new Dictionary<string, string?> { ["Registry:AuthRequired"] = authRequired ? "true" : "false" };
        await using var pair = await ProxyPair.StartAsync(settings);
        await pair.PublishUpstreamAsync("demo", "1.0.0");
        await pair.PublishUpstreamAsync("Mixed_Case", "1.0.0-beta.1");
        // A second proxy node on the same data directory, without the fast path: the mount's endpoint answers there.
        await using var slow = await pair.StartSecondProxyAsync(settings, services => Without<DownloadFastPathStartupFilter>(services), shareDataDir: true);

        foreach (var path in new[] { "/crates-io/api/v1/crates/demo/1.0.0/download", "/crates-io/api/v1/crates/Mixed_Case/1.0.0-beta.1/download" })
        {
            var cached = await pair.Proxy.Client(TestApp.AdminToken).GetAsync(path);
            Assert.True(cached.StatusCode == HttpStatusCode.OK, await cached.Content.ReadAsStringAsync());
        }
        // Stored, so the other node answers from the same file (a node writes what it fetched once the build pauses).
        await pair.Proxy.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().WhenIdleAsync();
        var lastModified = (await pair.Proxy.Client(TestApp.AdminToken).GetAsync("/crates-io/api/v1/crates/demo/1.0.0/download")).Content.Headers.LastModified!.Value;
        var upstreamDownloads = pair.Control.DownloadsOf("demo", "1.0.0") + pair.Control.DownloadsOf("Mixed_Case", "1.0.0-beta.1");
        Assert.Equal(2, upstreamDownloads);

        var requests = new List<Func<HttpRequestMessage>>();
        foreach (var token in new string?[] { null, TestApp.AdminToken, "gcr_wrong_wrong_wrong_wrong_wrong" })
        {
            foreach (var path in new[]
            {
                "/crates-io/api/v1/crates/demo/1.0.0/download", "/crates-io/API/v1/crates/demo/1.0.0/DOWNLOAD", "/CRATES-IO/api/v1/crates/demo/1.0.0/download",
                "/crates-io/api/v1/crates/Demo/1.0.0/download", "/crates-io/api/v1/crates/Mixed_Case/1.0.0-beta.1/download",
                "/crates-io/api/v1/crates/mixed_case/1.0.0-beta.1/download", "/crates-io/api/v1/crates/demo/1.0.0/download/",
                "/crates-io/api/v1/crates/demo/1.0/download", "/crates-io/api/v1/crates/demo/../download",
            })
            {
                requests.Add(() => Request(HttpMethod.Get, path, token));
                requests.Add(() => Request(HttpMethod.Head, path, token));
            }
            const string file = "/crates-io/api/v1/crates/demo/1.0.0/download";
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"x\"")));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfModifiedSince = lastModified));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.IfModifiedSince = lastModified.AddSeconds(-1)));
            requests.Add(() => Request(HttpMethod.Get, file, token, r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-9")));
        }

        foreach (var make in requests)
        {
            await AssertSameAnswerAsync(pair.Proxy, slow, make, ComparedHeaders);
        }
        // Both files were cached: neither node asked the upstream for them again.
        Assert.Equal(upstreamDownloads, pair.Control.DownloadsOf("demo", "1.0.0") + pair.Control.DownloadsOf("Mixed_Case", "1.0.0-beta.1"));
    }

    [Fact]
    public async Task A_file_waiting_to_be_stored_is_answered_from_memory_as_the_endpoint_answers_it()
    {
        // A clock that never moves: the write-behind waits for a quiet period that never passes, so what a node fetched
        // stays waiting to be stored (as a cold build's files do until the build pauses) for the whole test.
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        await using var pair = await ProxyPair.StartAsync(proxyServices: s => s.AddSingleton<TimeProvider>(clock));
        var crate = await pair.PublishUpstreamAsync("pending", "1.0.0");
        await using var slow = await pair.StartSecondProxyAsync([], services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            Without<DownloadFastPathStartupFilter>(services);
        });
        const string path = "/crates-io/api/v1/crates/pending/1.0.0/download";
        foreach (var node in new[] { pair.Proxy, slow })
            Assert.Equal(crate, await node.Client().GetByteArrayAsync(path, TestContext.Current.CancellationToken));
        var key = Core.Storage.BlobKey.ProxyCrateFile("crates-io", "pending", "1.0.0");
        foreach (var node in new[] { pair.Proxy, slow })
            Assert.NotNull(node.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().FindCrate(key));

        foreach (var request in new[] { path, "/crates-io/api/v1/crates/Pending/1.0.0/download" })
            await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, request, null), ComparedHeaders);
        // Both answered from what they fetched once: no second upstream fetch, and the files still wait to be stored.
        Assert.Equal(2, pair.Control.DownloadsOf("pending", "1.0.0"));
        Assert.NotNull(pair.Proxy.Services.GetRequiredService<Core.Proxy.ProxyWriteBehind>().FindCrate(key));
    }

    [Fact]
    public async Task A_cached_file_is_answered_before_routing_and_counted_as_a_hit_and_the_rest_is_handed_on()
    {
        await using var pair = await ProxyPair.StartAsync();
        var crate = await pair.PublishUpstreamAsync("hitme", "1.0.0");
        var newer = await pair.PublishUpstreamAsync("hitme", "1.1.0");
        const string path = "/crates-io/api/v1/crates/hitme/1.0.0/download";
        Assert.Equal(crate, await pair.Proxy.Client().GetByteArrayAsync(path)); // a miss: fetched and cached by the endpoint
        var hitsBefore = (await pair.StatusAsync()).GetProperty("counters").GetProperty("crateHits").GetInt64();

        for (var i = 0; i < 3; i++)
        {
            var (handedOn, context) = await InvokeAsync(pair.Proxy, path);
            Assert.False(handedOn);
            Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
            Assert.Equal(crate, ((MemoryStream)context.Response.Body).ToArray());
        }
        Assert.Equal(hitsBefore + 3, (await pair.StatusAsync()).GetProperty("counters").GetProperty("crateHits").GetInt64());

        // Not cached yet: fetched through the mount's service, answered here too.
        var (coldHandedOn, cold) = await InvokeAsync(pair.Proxy, "/crates-io/api/v1/crates/hitme/1.1.0/download");
        Assert.False(coldHandedOn);
        Assert.Equal(StatusCodes.Status200OK, cold.Response.StatusCode);
        Assert.Equal(newer, ((MemoryStream)cold.Response.Body).ToArray());
        Assert.Equal(1, pair.Control.DownloadsOf("hitme", "1.1.0"));

        // Not a mount, not a download, not the mount's configured spelling.
        foreach (var other in new[] { "/nowhere/api/v1/crates/hitme/1.0.0/download", "/crates-io/api/v1/crates/hitme/1.0.0", "/CRATES-IO/api/v1/crates/hitme/1.0.0/download" })
        {
            var (handedOn, context) = await InvokeAsync(pair.Proxy, other);
            Assert.True(handedOn, $"{other} should go through the pipeline");
            Assert.Equal(0, context.Response.Body.Length);
        }
    }

    [Fact]
    public async Task With_the_quarantine_on_every_proxied_download_goes_to_the_endpoint()
    {
        await using var pair = await ProxyPair.StartAsync(new() { ["Proxy:QuarantineHours"] = "24" });
        await pair.PublishUpstreamAsync("fresh", "1.0.0");
        const string path = "/crates-io/api/v1/crates/fresh/1.0.0/download";
        var refused = await pair.Proxy.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("quarantined", await refused.Content.ReadAsStringAsync());
        var (handedOn, _) = await InvokeAsync(pair.Proxy, path);
        Assert.True(handedOn);
    }

    private static Task<(bool HandedOn, HttpContext Context)> InvokeAsync(TestApp app, string path) => InvokeDownloadFastPathAsync(app, "GET", path);
}
