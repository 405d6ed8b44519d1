using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications;

/// <summary>
/// Sends one event to one endpoint (a "webhook.deliver" job) and logs the attempt. 2xx is success; 410 Gone disables
/// the endpoint (Standard Webhooks: the receiver asks to stop); anything else, redirects included, is a failure
/// retried on Webhooks:RetrySchedule with a little jitter, or at the receiver's Retry-After when that is later.
/// </summary>
public sealed class WebhookDeliveryHandler(
    IWebhookRepository webhooks,
    IWebhookHttp http,
    IOptions<WebhookOptions> options,
    Email.EmailLinks links,
    TimeProvider time,
    ILogger<WebhookDeliveryHandler> logger) : IJobHandler
{
    public const string JobKind = "webhook.deliver";

    private const int ExcerptChars = 1024;

    // Retry-After can ask for anything; more than a day is treated as a day, so a delivery is never parked for good.
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var delivery = JsonSerializer.Deserialize<WebhookDeliveryJob>(job.Payload, RegistryEvent.JsonOptions)
            ?? throw new JsonException("empty delivery job");
        var endpoint = await webhooks.FindAsync(delivery.EndpointId, cancellationToken);
        if (endpoint is null || !endpoint.Enabled) return JobOutcome.GiveUp(endpoint is null ? "the endpoint was deleted" : "the endpoint is disabled");
        var registryEvent = RegistryEvent.Parse(delivery.Event);
        // A signed endpoint whose secrets this server cannot decrypt (ProtectedWebhookRepository) gets nothing unsigned.
        if (endpoint.Kind == WebhookKinds.Standard && endpoint.Secrets.Count == 0)
            return JobOutcome.GiveUp("the endpoint's signing secret cannot be decrypted with this server's keys; rotate the secret");

        var result = await SendAsync(endpoint, registryEvent, delivery.Event, cancellationToken);
        await webhooks.AddDeliveryAsync(new WebhookDelivery(
            0, endpoint.Id, registryEvent.Id, registryEvent.Type, delivery.Event, job.Attempts, result.Success, result.Status,
            result.DurationMs, result.Excerpt, result.Error, time.GetUtcNow()), cancellationToken);

        // Metric labels: a standard endpoint is "webhook"; the chat kinds keep their names (a fixed set).
        var channel = endpoint.Kind == WebhookKinds.Standard ? "webhook" : endpoint.Kind;
        if (result.Success)
        {
            Operations.GhostCrateMetrics.NotificationDelivery(channel, "delivered");
            return JobOutcome.Succeeded;
        }
        if (result.Status == (int)HttpStatusCode.Gone)
        {
            Operations.GhostCrateMetrics.NotificationDelivery(channel, "gave_up");
            await webhooks.DisableAsync(endpoint.Id, "the receiver answered 410 Gone", time.GetUtcNow(), cancellationToken);
            logger.LogWarning("Webhook endpoint {EndpointId} answered 410 Gone and is now disabled", endpoint.Id);
            return JobOutcome.GiveUp("410 Gone: endpoint disabled");
        }
        var error = result.Error ?? $"HTTP {result.Status}";
        var schedule = options.Value.EffectiveRetrySchedule;
        if (job.Attempts > schedule.Count)
        {
            Operations.GhostCrateMetrics.NotificationDelivery(channel, "gave_up");
            return JobOutcome.GiveUp(error);
        }
        Operations.GhostCrateMetrics.NotificationDelivery(channel, "failed");
        var wait = schedule[job.Attempts - 1];
        // Up to 10% jitter so that deliveries that failed together (a receiver down) do not come back together.
        wait += TimeSpan.FromMilliseconds(wait.TotalMilliseconds * 0.1 * Random.Shared.NextDouble());
        if (result.RetryAfter is { } retryAfter && retryAfter > wait) wait = retryAfter < MaxRetryAfter ? retryAfter : MaxRetryAfter;
        return JobOutcome.Retry(error, time.GetUtcNow() + wait);
    }

    private async Task<SendResult> SendAsync(WebhookEndpoint endpoint, RegistryEvent registryEvent, string body, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        // Chat services take their own message shape; the event's id still goes along for the receiver's logs.
        body = endpoint.Kind switch
        {
            WebhookKinds.Slack => Chat.ChatPayloads.Slack(Chat.ChatMessages.Compose(registryEvent, links)),
            WebhookKinds.Teams => Chat.ChatPayloads.Teams(Chat.ChatMessages.Compose(registryEvent, links)),
            _ => body,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", registryEvent.Id);
        if (endpoint.Kind == WebhookKinds.Standard)
        {
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(endpoint.Secrets, registryEvent.Id, timestamp, body));
            if (endpoint.Secrets.Count > 0) request.Headers.Add("X-Hub-Signature-256", WebhookSignature.HubSignature(endpoint.Secrets[0], body));
        }
        request.Headers.UserAgent.ParseAdd("GhostCrate-Webhooks/1");

        var started = time.GetTimestamp();
        try
        {
            using var client = http.CreateClient();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var excerpt = await ReadExcerptAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            TimeSpan? retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - time.GetUtcNow(),
                _ => null,
            };
            return new SendResult(status is >= 200 and < 300, status, Elapsed(started), excerpt, null, retryAfter);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            var message = ex is TaskCanceledException ? $"no response within {options.Value.Timeout}" : ex.Message;
            return new SendResult(false, null, Elapsed(started), null, message, null);
        }
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>The first characters of the response, for the delivery log; the rest is never read.</summary>
    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ExcerptChars];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0) break;
            read += n;
        }
        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }

    private sealed record SendResult(bool Success, int? Status, long DurationMs, string? Excerpt, string? Error, TimeSpan? RetryAfter);
}
