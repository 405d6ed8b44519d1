using System.Net;
using System.Text.Json;
using GhostCrate.Web.Metrics;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Metrics;

/// <summary>GET /metrics of the server: open by default, behind Metrics:BearerToken when set, absent when disabled.</summary>
public sealed class MetricsEndpointTests
{
    private const string Token = "scrape-token-0123456789abcdef";

    [Fact]
    public async Task Metrics_answer_prometheus_text_without_a_session_or_token_by_default()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE ghostcrate_ready gauge", text);
        Assert.Contains("# TYPE ghostcrate_publishes_total counter", text);
    }

    [Fact]
    public async Task Ready_and_the_registry_totals_are_read_at_scrape_time()
    {
        await using var app = await TestApp.StartAsync();
        var before = PrometheusText.Parse(await app.Client().GetStringAsync("/metrics"));
        Assert.Equal(1, Gauge(before, "ghostcrate_ready"));
        Assert.Equal(0, Gauge(before, "ghostcrate_crates"));
        Assert.True(Gauge(before, "ghostcrate_storage_volume_size_bytes") >= Gauge(before, "ghostcrate_storage_volume_free_bytes"));

        using (var published = await app.PublishAsync(CrateFileBuilder.Valid("scrape-time", "1.0.0").PublishBody()))
            Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        // The crate storage stops working: a file where its folder was.
        var blobs = Path.Combine(app.DataDir, "blobs");
        Directory.Delete(blobs, recursive: true);
        await File.WriteAllTextAsync(blobs, "not a folder");

        var after = PrometheusText.Parse(await app.Client().GetStringAsync("/metrics"));
        Assert.Equal(1, Gauge(after, "ghostcrate_crates"));
        Assert.Equal(1, Gauge(after, "ghostcrate_versions"));
        Assert.Equal(0, Gauge(after, "ghostcrate_ready"));
    }

    [Fact]
    public async Task Active_requests_are_one_untagged_count_that_returns_to_the_scrape_alone()
    {
        await using var app = await TestApp.StartAsync();
        var client = app.Client();
        // Answered by the fast path (synchronously), by routing, and a 404: each leaves the count as it found it.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await client.GetAsync((i % 3) switch { 0 => "/index/config.json", 1 => "/api/v1/crates?q=x", _ => "/no/such/route" });
        }));

        var families = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
        var active = families.Single(f => f.Name == "http_server_active_requests");
        // ASP.NET Core's tagged counter is dropped for GhostCrate's count; the scrape itself is the one in flight.
        var sample = Assert.Single(active.Samples);
        Assert.DoesNotContain(sample.Labels, l => l.Key is not ("otel_scope_name" or "otel_scope_version"));
        Assert.Equal(1, sample.Value);
    }

    [Fact]
    public async Task Index_answers_304s_and_downloads_are_counted_by_source_and_served_from()
    {
        await using var app = await TestApp.StartAsync();
        using (var published = await app.PublishAsync(CrateFileBuilder.Valid("counted-hot", "1.0.0").PublishBody()))
            Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        var before = PrometheusText.Parse(await app.Client().GetStringAsync("/metrics"));

        var client = app.Client();
        using var first = await client.GetAsync("/index/co/un/counted-hot");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/index/co/un/counted-hot");
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
        using var notModified = await client.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var download = await client.GetAsync("/api/v1/crates/counted-hot/1.0.0/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);

        var after = PrometheusText.Parse(await app.Client().GetStringAsync("/metrics"));
        // The counters are per process and other tests run beside this one: at least this test's requests were added.
        Assert.True(Counter(after, "ghostcrate_index_requests_total", "private") - Counter(before, "ghostcrate_index_requests_total", "private") >= 2);
        Assert.True(Counter(after, "ghostcrate_index_not_modified_total", "private") - Counter(before, "ghostcrate_index_not_modified_total", "private") >= 1);
        Assert.True(Counter(after, "ghostcrate_downloads_total", "private") - Counter(before, "ghostcrate_downloads_total", "private") >= 1);
        // Every source's series exists from the first scrape, at zero when nothing was served from it.
        foreach (var source in new[] { "private", "proxy", "mirror" })
            Assert.Contains(after.Single(f => f.Name == "ghostcrate_index_requests_total").Samples, sample => sample.Labels["source"] == source);
    }

    [Fact]
    public async Task Proxy_cache_lookups_are_counted_by_upstream_kind_and_result_with_the_fast_paths_hits()
    {
        // An upstream name of this test's own: the counts are per process and other tests' mounts count beside it.
        var mount = "m" + Guid.NewGuid().ToString("N")[..12];
        await using var upstream = await TestApp.StartAsync();
        using (var published = await upstream.PublishAsync(CrateFileBuilder.Valid("proxied-hot", "1.0.0").PublishBody()))
            Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        await using var proxy = await TestApp.StartAsync(new()
        {
            ["Proxy:Enabled"] = "true",
            [$"Proxy:Upstreams:{mount}:IndexUrl"] = new Uri(upstream.BaseAddress, "/index/").AbsoluteUri,
            [$"Proxy:Upstreams:{mount}:ApiUrl"] = upstream.BaseAddress.AbsoluteUri,
            [$"Proxy:Upstreams:{mount}:HttpProxy"] = "none",
            [$"Proxy:Upstreams:{mount}:Ttl"] = "01:00:00",
        });
        var client = proxy.Client();
        var before = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
        // Every series of the mount exists from the first scrape, at zero.
        foreach (var (kind, result) in new[] { ("index", "hit"), ("index", "miss"), ("index", "stale"), ("crate", "hit"), ("crate", "miss") })
            Assert.Equal(0, ProxyCache(before, mount, kind, result));

        using var first = await client.GetAsync($"/{mount}/index/pr/ox/proxied-hot");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        for (var i = 0; i < 3; i++)
        {
            // Fresh in the node's memory: answered by the index fast path, each one a hit.
            using var revalidate = new HttpRequestMessage(HttpMethod.Get, $"/{mount}/index/pr/ox/proxied-hot");
            revalidate.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());
            using var notModified = await client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        var after = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
        Assert.Equal(1, ProxyCache(after, mount, "index", "miss"));
        Assert.Equal(3, ProxyCache(after, mount, "index", "hit"));
        Assert.Equal(0, ProxyCache(after, mount, "index", "stale"));
    }

    private static double ProxyCache(IReadOnlyList<PrometheusFamily> families, string upstream, string kind, string result) =>
        Assert.Single(families.Single(f => f.Name == "ghostcrate_proxy_cache_requests_total").Samples,
            s => s.Labels["upstream"] == upstream && s.Labels["kind"] == kind && s.Labels["result"] == result).Value;

    private static double Counter(IReadOnlyList<PrometheusFamily> families, string name, string source) =>
        families.Single(f => f.Name == name).Samples.Where(s => s.Labels["source"] == source).Sum(s => s.Value);

    private static double Gauge(IReadOnlyList<PrometheusFamily> families, string name) =>
        Assert.Single(families.Single(f => f.Name == name).Samples).Value;

    [Fact]
    public async Task With_a_bearer_token_set_a_scrape_without_it_or_with_another_gets_401_and_with_it_200()
    {
        await using var app = await TestApp.StartAsync(new() { ["Metrics:BearerToken"] = Token });

        using var none = await app.Client().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString());
        Assert.Contains("Metrics:BearerToken", JsonDocument.Parse(await none.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("ghostcrate_", await none.Content.ReadAsStringAsync());

        using var wrong = await app.Client("Bearer " + Token[..^1] + "X").GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        // Cargo's raw-token style (no scheme) and the admin API token are not scrape credentials.
        using var raw = await app.Client(Token).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, raw.StatusCode);
        using var admin = await app.Client(TestApp.AdminToken).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);

        using var right = await app.Client("Bearer " + Token).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("ghostcrate_ready", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_token_check_accepts_only_the_exact_token_after_Bearer()
    {
        var check = new MetricsBearerToken(_ => Task.CompletedTask, Token);
        Assert.True(check.Matches("Bearer " + Token));
        Assert.True(check.Matches("bearer " + Token));
        Assert.False(check.Matches(Token));
        Assert.False(check.Matches("Bearer " + Token + "x"));
        Assert.False(check.Matches("Bearer " + Token[..^1]));
        Assert.False(check.Matches("Bearer "));
        Assert.False(check.Matches(""));
    }

    [Fact]
    public async Task With_metrics_disabled_there_is_no_metrics_endpoint()
    {
        await using var app = await TestApp.StartAsync(new() { ["Metrics:Enabled"] = "false" });
        using var response = await app.Client().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_short_bearer_token_stops_the_start_with_a_message_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(new() { ["Metrics:BearerToken"] = "short" }));
        Assert.Contains("Metrics:BearerToken must be at least 16 characters", error.Message);
    }
}
