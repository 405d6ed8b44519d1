using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GhostCrate.Testing;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Notifications;

/// <summary>
/// Real publishes and yanks produce signed deliveries to a real receiver on 127.0.0.1; failures are retried on a
/// short schedule (a setting, no sleeps), a redirect or a timeout is a failure and Retry-After moves the retry, 410
/// disables the endpoint, internal addresses are refused unless allowed.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private static Dictionary<string, string?> Settings(bool allowLoopback = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:PollInterval"] = "00:00:00.100",
            // Two quick retries instead of Standard Webhooks' hours.
            ["Webhooks:RetrySchedule:0"] = "00:00:00",
            ["Webhooks:RetrySchedule:1"] = "00:00:00",
        };
        if (allowLoopback) settings["Webhooks:AllowedCidrs:0"] = "127.0.0.1/32";
        return settings;
    }

    private static async Task<(long Id, string Secret)> CreateEndpointAsync(TestApp app, Uri url, object? filters = null)
    {
        var body = new Dictionary<string, object?> { ["url"] = url.ToString() };
        if (filters is not null) foreach (var p in filters.GetType().GetProperties()) body[p.Name] = p.GetValue(filters);
        var response = await app.Client(TestApp.AdminToken).PostAsJsonAsync("/api/v1/admin/webhooks", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await Json.ReadAsync(response);
        return (json.GetProperty("id").GetInt64(), json.GetProperty("secrets")[0].GetString()!);
    }

    private static async Task<JsonElement> DeliveriesAsync(TestApp app, long endpointId) =>
        (await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/webhooks/{endpointId}/deliveries"))).GetProperty("deliveries");

    private static async Task<JsonElement> WaitForDeliveriesAsync(TestApp app, long endpointId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var deliveries = await DeliveriesAsync(app, endpointId);
            if (deliveries.GetArrayLength() >= count || DateTime.UtcNow > deadline) return deliveries;
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// The jobs in <paramref name="state"/> (GET /api/v1/admin/jobs?state=...) once there is one. An attempt is logged
    /// before the queue records the job's next state, so the log alone is too early.
    /// </summary>
    private static async Task<JsonElement> WaitForJobsAsync(TestApp app, string state)
    {
        JsonElement jobs = default;
        await Eventually.TrueAsync(async () =>
                (jobs = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/jobs?state={state}"))).GetProperty("jobs").GetArrayLength() > 0,
            $"no job is {state}", TimeSpan.FromSeconds(30));
        return jobs;
    }

    [Fact]
    public async Task Publish_and_yank_are_delivered_signed_in_both_styles()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings());
        var (endpointId, secret) = await CreateEndpointAsync(app, receiver.Url, new { events = new[] { "crate.published", "crate.yanked" }, crate_patterns = new[] { "hook-*" } });

        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("other-crate", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("hook-me", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(TestApp.AdminToken).DeleteAsync("/api/v1/crates/hook-me/1.0.0/yank")).StatusCode);

        var requests = await receiver.WaitForAsync(2);
        var types = requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()).Order().ToList();
        Assert.Equal(["crate.published", "crate.yanked"], types);
        Assert.All(requests, r =>
        {
            Assert.True(WebhookReceiver.VerifyStandard(r, secret), "webhook-signature does not verify");
            Assert.True(WebhookReceiver.VerifyHub(r, secret), "X-Hub-Signature-256 does not verify");
            Assert.StartsWith("msg_", r.Id, StringComparison.Ordinal);
            Assert.Equal(r.Id, JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString());
            Assert.False(WebhookReceiver.VerifyStandard(r with { Body = r.Body + " " }, secret));
        });
        var published = JsonDocument.Parse(requests.Single(r => r.Body.Contains("crate.published", StringComparison.Ordinal)).Body).RootElement.GetProperty("data");
        Assert.Equal(("hook-me", "1.0.0"), (published.GetProperty("crate").GetString(), published.GetProperty("version").GetString()));

        var log = await WaitForDeliveriesAsync(app, endpointId, 2);
        Assert.All(log.EnumerateArray(), d => Assert.Equal((true, 200, "thanks"), (d.GetProperty("success").GetBoolean(), d.GetProperty("status_code").GetInt32(), d.GetProperty("response_excerpt").GetString())));
        // other-crate did not match the pattern: two events, two deliveries.
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_the_same_webhook_id_and_410_disables()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings());
        // A filter nothing here matches: only the test events (sent whatever the filters) reach the receiver.
        var (endpointId, _) = await CreateEndpointAsync(app, receiver.Url, new { events = new[] { "crate.unyanked" } });
        receiver.AnswerNext(500);
        receiver.AnswerNext(503);

        var test = await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        var eventId = (await Json.ReadAsync(test)).GetProperty("event_id").GetString();

        var requests = await receiver.WaitForAsync(3);
        Assert.All(requests, r => Assert.Equal(eventId, r.Id));
        var log = await WaitForDeliveriesAsync(app, endpointId, 3);
        Assert.Equal([200, 503, 500], log.EnumerateArray().Select(d => d.GetProperty("status_code").GetInt32()));
        Assert.Equal([3, 2, 1], log.EnumerateArray().Select(d => d.GetProperty("attempt").GetInt32()));

        // Redeliver the first attempt: the same event again, same webhook-id.
        var first = log[2].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/deliveries/{first}/redeliver", null)).StatusCode);
        Assert.Equal(eventId, (await receiver.WaitForAsync(4))[3].Id);

        // 410 Gone: the endpoint is switched off and says why.
        receiver.AnswerNext(410);
        await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/test", null);
        await receiver.WaitForAsync(5);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement endpoint;
        do endpoint = await Json.ReadAsync(await app.Client(TestApp.AdminToken).GetAsync($"/api/v1/admin/webhooks/{endpointId}"));
        while (endpoint.GetProperty("enabled").GetBoolean() && DateTime.UtcNow < deadline && await Task.Delay(25).ContinueWith(_ => true));
        Assert.False(endpoint.GetProperty("enabled").GetBoolean());
        Assert.Contains("410", endpoint.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/test", null)).StatusCode);
        Assert.Equal(5, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_is_a_failure_that_is_not_followed_and_Retry_After_sets_the_next_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings());
        var (endpointId, _) = await CreateEndpointAsync(app, receiver.Url, new { events = new[] { "crate.unyanked" } });
        // The schedule says "again at once"; the receiver asks for an hour.
        receiver.AnswerNext(307, "3600");

        var sent = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/test", null)).StatusCode);
        var log = await WaitForDeliveriesAsync(app, endpointId, 1);
        var delivery = Assert.Single(log.EnumerateArray());
        Assert.False(delivery.GetProperty("success").GetBoolean());
        Assert.Equal(307, delivery.GetProperty("status_code").GetInt32());

        var jobs = await WaitForJobsAsync(app, "pending");
        var retry = jobs.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("kind").GetString() == "webhook.deliver");
        Assert.Equal(1, retry.GetProperty("attempts").GetInt32());
        Assert.True(retry.GetProperty("run_at").GetDateTimeOffset() >= sent.AddMinutes(59), $"the retry waits for Retry-After: {retry.GetProperty("run_at")}");
        // The redirect (back to the receiver itself, method kept) was not followed.
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_times_out_and_the_delivery_is_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings();
        settings["Webhooks:Timeout"] = "00:00:01";
        await using var app = await TestApp.StartAsync(settings);
        var (endpointId, _) = await CreateEndpointAsync(app, receiver.Url, new { events = new[] { "crate.unyanked" } });
        receiver.HangNext();

        Assert.Equal(HttpStatusCode.Accepted, (await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/test", null)).StatusCode);
        // A retry is answered (a slow machine may time out more than once before that).
        JsonElement log = default;
        await Eventually.TrueAsync(async () => (log = await DeliveriesAsync(app, endpointId)).EnumerateArray().Any(d => d.GetProperty("success").GetBoolean()),
            "a retry of the timed-out delivery is answered");
        // Newest first: the first attempt is the last entry; it timed out, without a status.
        var first = log[log.GetArrayLength() - 1];
        Assert.Equal(1, first.GetProperty("attempt").GetInt32());
        Assert.False(first.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("status_code").ValueKind);
        Assert.Equal("no response within 00:00:01", first.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_loopback_endpoint_is_refused_unless_an_administrator_allows_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(Settings(allowLoopback: false));
        var (endpointId, _) = await CreateEndpointAsync(app, receiver.Url, new { events = new[] { "crate.unyanked" } });

        await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/webhooks/{endpointId}/test", null);
        var log = await WaitForDeliveriesAsync(app, endpointId, 3);
        Assert.Equal(3, log.GetArrayLength());
        Assert.All(log.EnumerateArray(), d =>
        {
            Assert.False(d.GetProperty("success").GetBoolean());
            Assert.Contains("refused", d.GetProperty("error").GetString(), StringComparison.Ordinal);
        });
        Assert.Empty(receiver.Requests);

        // The third attempt is logged before its job is marked dead: wait for the job, not just the log.
        var jobs = await WaitForJobsAsync(app, "dead");
        var dead = jobs.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("kind").GetString() == "webhook.deliver");
        Assert.Equal(1, jobs.GetProperty("stats").GetProperty("dead").GetInt64());

        // The administrator allows nothing new here, so "retry now" runs it again and it is refused again.
        var retry = await app.Client(TestApp.AdminToken).PostAsync($"/api/v1/admin/jobs/{dead.GetProperty("id").GetInt64()}/retry", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(6, (await WaitForDeliveriesAsync(app, endpointId, 6)).GetArrayLength());
    }

    [Fact]
    public async Task Bad_endpoint_requests_get_problem_details_and_store_nothing()
    {
        await using var app = await TestApp.StartAsync(Settings());
        var admin = app.Client(TestApp.AdminToken);
        foreach (var body in new object[]
                 {
                     new { url = "ftp://example.com/hook" },
                     new { url = "https://user:pw@example.com/hook" },
                     new { url = "https://example.com/hook", events = new[] { "crate.exploded" } },
                     new { url = "https://example.com/hook", crate_patterns = new[] { "a*b" } },
                 })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/admin/webhooks", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var list = await Json.ReadAsync(await admin.GetAsync("/api/v1/admin/webhooks"));
        Assert.Equal(0, list.GetProperty("endpoints").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/admin/webhooks/999")).StatusCode);
    }
}
