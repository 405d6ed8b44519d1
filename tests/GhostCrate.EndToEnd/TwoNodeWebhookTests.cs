using System.Net;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Two real nodes on one PostgreSQL database, both running the job loop (woken together by the queue's NOTIFY): the
/// events of publishes on node A reach a real receiver on 127.0.0.1 once each, signed, and a receiver that fails the
/// first attempt gets the retry and still sees each event delivered once. "Once" is read three ways: the receiver's
/// requests per webhook-id, the shared delivery log, and the two nodes' delivery counters added up. Only the
/// postgres-s3 lane has several nodes; on SQLite the tests are skipped.
/// </summary>
public sealed class TwoNodeWebhookTests(TwoNodeWebhookTests.WebhookNodes nodes) : IClassFixture<TwoNodeWebhookTests.WebhookNodes>
{
    // Enough events that both nodes' workers compete for them (each enqueue wakes both).
    private const int Events = 12;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_publish_on_A_is_delivered_exactly_once_although_both_nodes_run_the_job_loop()
    {
        var (a, b) = nodes.Get();
        await using var receiver = await WebhookReceiver.StartAsync();
        var name = $"hook2-{Ids.New()}";
        var (endpoint, secret) = await receiver.SubscribeAsync(a.Http, nodes.AdminToken, ["crate.published"], name, Cancel);
        var before = await DeliveryCountsAsync(a, b);

        var versions = await PublishOnAsync(a, name);
        await Eventually.TrueAsync(() => receiver.Requests.Count(r => r.Answered == 200) >= Events, $"{Events} deliveries", TimeSpan.FromSeconds(60), Cancel);
        await WaitForIdleQueueAsync(b);

        var requests = receiver.Requests.ToList();
        Assert.All(requests, r => Assert.Equal(200, r.Answered));
        Assert.All(requests.GroupBy(r => r.Id), g => Assert.Single(g));
        Assert.All(requests, r => Assert.True(r.Verifies(secret), $"signature of {r.Body} does not verify"));
        Assert.Equal(versions, requests.Select(Version).Order(StringComparer.Ordinal));

        var log = await DeliveryLogAsync(b, endpoint);
        Assert.Equal(Events, log.Count);
        Assert.All(log, d => Assert.True(d.GetProperty("success").GetBoolean() && d.GetProperty("attempt").GetInt32() == 1, d.ToString()));
        Assert.Equal(requests.Select(r => r.Id).Order(StringComparer.Ordinal), log.Select(d => d.GetProperty("event_id").GetString()).Order(StringComparer.Ordinal));

        var after = await DeliveryCountsAsync(a, b);
        Assert.True(after.Delivered - before.Delivered == Events,
            $"the nodes counted {after.Delivered - before.Delivered} deliveries for {Events} events (A {after.A - before.A}, B {after.B - before.B})");
    }

    [Fact]
    public async Task A_receiver_that_fails_the_first_attempt_gets_the_retry_and_each_event_is_delivered_once()
    {
        var (a, b) = nodes.Get();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirstAttempt = true;
        var name = $"retry2-{Ids.New()}";
        var (endpoint, secret) = await receiver.SubscribeAsync(b.Http, nodes.AdminToken, ["crate.published"], name, Cancel);
        var before = await DeliveryCountsAsync(a, b);

        var versions = await PublishOnAsync(a, name);
        await Eventually.TrueAsync(() => receiver.Requests.Count(r => r.Answered == 200) >= Events, $"{Events} deliveries after a failed first attempt",
            TimeSpan.FromSeconds(60), Cancel);
        await WaitForIdleQueueAsync(a);

        // Per webhook-id: one 500, then one 200 with the same id and body, and nothing after.
        var requests = receiver.Requests.ToList();
        Assert.Equal(Events, requests.Select(r => r.Id).Distinct().Count());
        foreach (var attempts in requests.GroupBy(r => r.Id))
        {
            Assert.Equal(new[] { 500, 200 }, attempts.Select(r => r.Answered));
            Assert.Single(attempts.Select(r => r.Body).Distinct());
            Assert.All(attempts, r => Assert.True(r.Verifies(secret)));
        }
        Assert.Equal(versions, requests.Where(r => r.Answered == 200).Select(Version).Order(StringComparer.Ordinal));

        var log = await DeliveryLogAsync(a, endpoint);
        Assert.Equal(2 * Events, log.Count);
        foreach (var attempts in log.GroupBy(d => d.GetProperty("event_id").GetString()))
        {
            Assert.Equal(new[] { (1, false, 500), (2, true, 200) }, attempts
                .Select(d => (d.GetProperty("attempt").GetInt32(), d.GetProperty("success").GetBoolean(), d.GetProperty("status_code").GetInt32()))
                .Order());
        }

        var after = await DeliveryCountsAsync(a, b);
        Assert.True(after.Delivered - before.Delivered == Events && after.Failed - before.Failed == Events,
            $"the nodes counted {after.Delivered - before.Delivered} deliveries and {after.Failed - before.Failed} failed attempts for {Events} events");
    }

    private async Task<List<string>> PublishOnAsync(GhostCrateServer node, string name)
    {
        var versions = Enumerable.Range(0, Events).Select(i => $"0.{i}.0").ToList();
        foreach (var version in versions)
        {
            var answer = await node.Http.PublishAsync(CrateFiles.PublishBody(name, version, CrateFiles.Build(name, version)), nodes.AdminToken, Cancel);
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        }
        return [.. versions.Order(StringComparer.Ordinal)];
    }

    private static string Version(WebhookReceiver.Request request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("version").GetString()!;

    /// <summary>Until no job is due or running on the shared queue: nothing more is on its way to the receiver.</summary>
    private async Task WaitForIdleQueueAsync(GhostCrateServer node) =>
        await Eventually.TrueAsync(async () =>
        {
            var answer = await node.Http.GetAsync("api/v1/admin/jobs", nodes.AdminToken, cancellationToken: Cancel);
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
            var stats = JsonDocument.Parse(answer.Body).RootElement.GetProperty("stats");
            return stats.GetProperty("due").GetInt64() == 0 && stats.GetProperty("running").GetInt64() == 0;
        }, "the shared job queue drains", TimeSpan.FromSeconds(60), Cancel);

    private async Task<List<JsonElement>> DeliveryLogAsync(GhostCrateServer node, long endpoint)
    {
        var answer = await node.Http.GetAsync($"api/v1/admin/webhooks/{endpoint}/deliveries", nodes.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return [.. JsonDocument.Parse(answer.Body).RootElement.GetProperty("deliveries").EnumerateArray().Select(d => d.Clone())];
    }

    private sealed record DeliveryCounts(double A, double B, double Failed)
    {
        public double Delivered => A + B;
    }

    /// <summary>ghostcrate_notification_deliveries_total{channel="webhook"} of each node (a counter per process).</summary>
    private static async Task<DeliveryCounts> DeliveryCountsAsync(GhostCrateServer a, GhostCrateServer b)
    {
        async Task<(double Delivered, double Failed)> ScrapeAsync(GhostCrateServer node)
        {
            var answer = await node.Http.GetAsync("metrics", cancellationToken: Cancel);
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
            var samples = PrometheusText.Parse(answer.Body).SingleOrDefault(f => f.Name == "ghostcrate_notification_deliveries_total")?.Samples ?? [];
            double Value(string result) => samples
                .Where(s => s.Labels.GetValueOrDefault("channel") == "webhook" && s.Labels.GetValueOrDefault("result") == result).Sum(s => s.Value);
            return (Value("delivered"), Value("failed"));
        }
        var (deliveredA, failedA) = await ScrapeAsync(a);
        var (deliveredB, failedB) = await ScrapeAsync(b);
        return new DeliveryCounts(deliveredA, deliveredB, failedA + failedB);
    }

    /// <summary>The two nodes of <see cref="TwoNodeIndexTests.Nodes"/> with the webhook settings of <see cref="WebhookServerFixture"/>.</summary>
    public sealed class WebhookNodes : TwoNodeIndexTests.Nodes
    {
        protected override IReadOnlyDictionary<string, string> Extra { get; } = WebhookServerFixture.Settings;
    }
}
