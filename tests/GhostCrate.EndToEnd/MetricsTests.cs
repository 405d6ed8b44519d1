using System.Globalization;
using System.Net;
using System.Text;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// /metrics of a real server after real traffic (cargo publishes, private downloads and revalidations, a proxy miss
/// and hit, a refused sign-in), checked by Prometheus's own `promtool check metrics`, and against every metric the
/// shipped dashboard and alert rules query.
/// </summary>
public sealed class MetricsTests(ProxyPairFixture fixture) : ProxyEndToEndTest(fixture), IClassFixture<ProxyPairFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_scrape_after_real_traffic_passes_promtool_and_holds_every_metric_the_dashboard_and_alerts_query()
    {
        if (!Promtool.IsInstalled) Assert.Skip(Promtool.SkipReason);
        var id = Ids.New();

        // A public crate on U, fetched through P's proxy mount: the first download is a miss, the second a hit.
        var publisher = PublisherToUpstream();
        var leaf = await publisher.NewLibAsync($"mleaf-{id}", "1.0.0");
        await publisher.PublishOkAsync(leaf, verify: false);
        var proxiedIndex = await Proxy.Http.GetAsync($"crates-io/index/{RegistryClient.IndexPath(leaf.Name)}", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, proxiedIndex.Status);
        foreach (var _ in Enumerable.Range(0, 2))
        {
            var download = await Proxy.Http.GetAsync($"crates-io/api/v1/crates/{leaf.Name}/1.0.0/download", cancellationToken: Cancel);
            Assert.Equal(HttpStatusCode.OK, download.Status);
        }

        // A private crate on P, published by cargo, downloaded and revalidated (the fast paths answer these).
        var author = await ConsumerOfProxyAsync(Proxy.AdminToken);
        var priv = await author.NewLibAsync($"mpriv-{id}", "0.1.0");
        await author.PublishOkAsync(priv, verify: false);
        var (status, _) = await Proxy.Http.DownloadAsync(priv.Name, "0.1.0", cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        var index = await Proxy.Http.GetIndexFileAsync(priv.Name, cancellationToken: Cancel);
        var etag = index.Message.Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.NotModified, (await Proxy.Http.GetIndexFileAsync(priv.Name, ifNoneMatch: etag, cancellationToken: Cancel)).Status);

        // A refused sign-in.
        using (var login = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new StringContent("{\"username\":\"admin\",\"password\":\"not-the-password\"}", Encoding.UTF8, "application/json") })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Proxy.Http.SendAsync(login, token: null, Cancel)).Status);
        }

        // Download counts reach the database about once a second: wait for the flush-lag histogram and the counters.
        var scrape = await ScrapeUntilAsync(text =>
            Value(text, "ghostcrate_download_count_flush_lag_seconds_count") >= 1
            && Value(text, "ghostcrate_publishes_total", ("result", "ok")) >= 1
            && Value(text, "ghostcrate_proxy_cache_requests_total", ("kind", "crate"), ("result", "miss"), ("upstream", "crates-io")) >= 1
            && Value(text, "ghostcrate_proxy_cache_requests_total", ("kind", "crate"), ("result", "hit"), ("upstream", "crates-io")) >= 1
            // Small downloads are answered from memory on the fast path, from the file store and from S3 alike.
            && Value(text, "ghostcrate_downloads_total", ("served_from", "memory"), ("source", "private")) >= 1
            && Value(text, "ghostcrate_index_not_modified_total", ("source", "private")) >= 1
            && Value(text, "ghostcrate_sign_ins_total", ("provider", "password"), ("result", "refused")) >= 1
            && Value(text, "ghostcrate_ready") == 1);

        var (exit, findings) = await Promtool.CheckMetricsAsync(scrape);
        Assert.True(exit == 0 && findings.Length == 0, $"promtool check metrics (exit {exit}):\n{findings}");

        var families = PrometheusText.Parse(scrape);
        Assert.Empty(families.SelectMany(PrometheusText.HistogramProblems));
        // The fast paths label their requests with the route of the endpoint they stand in for.
        Assert.Contains(families.Single(f => f.Name == "http_server_request_duration_seconds").Samples,
            s => s.Labels.GetValueOrDefault("http_route") == "/index/{**path}" && s.Labels.GetValueOrDefault("http_response_status_code") == "304");
        // Bounded cardinality: no crate name is a label value.
        Assert.DoesNotContain(families.SelectMany(f => f.Samples).SelectMany(s => s.Labels.Values), v => v.Contains(id, StringComparison.Ordinal));

        var present = PrometheusText.SampleNames(families);
        // The volume gauges exist for the file store only (an S3 bucket has no free space to report).
        if (Proxy.Lane.Kind == BackendKind.PostgresS3)
        {
            Assert.DoesNotContain("ghostcrate_storage_volume_free_bytes", present);
            present.UnionWith(["ghostcrate_storage_volume_free_bytes", "ghostcrate_storage_volume_size_bytes"]);
        }
        var queried = MonitoringFiles.AlertExpressions().Concat(MonitoringFiles.DashboardExpressions())
            .SelectMany(e => MonitoringFiles.MetricNames(e).Select(name => (name, e)))
            .Where(q => !MonitoringFiles.SyntheticMetrics.Contains(q.name)).ToList();
        Assert.NotEmpty(queried);
        var missing = queried.Where(q => !present.Contains(q.name)).Select(q => $"{q.name} (in {q.e})").Distinct().ToList();
        Assert.True(missing.Count == 0, "metrics queried by deploy/monitoring but absent from the scrape:\n" + string.Join("\n", missing));
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> done)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            var answer = await Proxy.Http.GetAsync("metrics", cancellationToken: Cancel);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.StartsWith("text/plain", answer.Message.Content.Headers.ContentType?.MediaType);
            if (done(answer.Body)) return answer.Body;
            Assert.True(DateTime.UtcNow - started < Deadline, "the scrape never showed the traffic:\n" + answer.Body);
            await Task.Delay(200, Cancel); // polling with a deadline: the flusher writes on its own schedule
        }
    }

    /// <summary>The value of the sample with exactly these labels, or -1 when there is none.</summary>
    private static double Value(string scrape, string name, params (string Key, string Value)[] labels)
    {
        var wanted = string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        foreach (var family in PrometheusText.Parse(scrape))
        {
            foreach (var sample in family.Samples)
            {
                if (sample.Name == name && sample.LabelKey() == wanted) return sample.Value;
            }
        }
        return -1;
    }
}

/// <summary>The shipped alert rules and example configuration pass Prometheus's own checks.</summary>
public sealed class MonitoringFilesTests
{
    [Fact]
    public async Task The_alert_rules_and_the_example_scrape_configuration_pass_promtool()
    {
        if (!Promtool.IsInstalled) Assert.Skip(Promtool.SkipReason);
        var rules = await Promtool.CheckRulesAsync(MonitoringFiles.AlertRules);
        Assert.True(rules.Exit == 0, rules.Output);
        var config = await Promtool.CheckConfigAsync(MonitoringFiles.PrometheusConfig);
        Assert.True(config.Exit == 0, config.Output);
    }

    [Fact]
    public async Task The_alerts_fire_on_the_series_that_should_raise_them_and_stay_quiet_on_a_healthy_node()
    {
        if (!Promtool.IsInstalled) Assert.Skip(Promtool.SkipReason);
        var (exit, output) = await Promtool.TestRulesAsync(MonitoringFiles.AlertRuleTests);
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public void Every_alert_named_in_the_issues_is_there()
    {
        var text = File.ReadAllText(MonitoringFiles.AlertRules);
        foreach (var alert in (string[])["GhostCrateInstanceDown", "GhostCrateHigh5xxRatio", "GhostCrateHighP99Latency", "GhostCrateUpstreamUnreachableServingStale", "GhostCrateNotReady", "GhostCrateFileStoreDiskNearlyFull", "GhostCrateNoRecentBackup", "GhostCrateBackupFailed"])
            Assert.Contains($"\n      - alert: {alert}\n", text);
        Assert.Contains(MonitoringFiles.AlertExpressions(), e => e.Contains("ghostcrate_backup_last_success_timestamp_seconds", StringComparison.Ordinal));
    }
}
