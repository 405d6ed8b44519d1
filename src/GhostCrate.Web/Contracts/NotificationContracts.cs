using System.Text.Json.Serialization;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications;

namespace GhostCrate.Web.Contracts;

/// <summary>Body of POST and PATCH /api/v1/admin/webhooks: on PATCH, missing members keep their value.</summary>
public sealed class WebhookEndpointBody
{
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    /// <summary>Event types to send (empty: all).</summary>
    [JsonPropertyName("events")] public List<string>? Events { get; init; }
    /// <summary>Crate names or prefixes ending in * (empty: all crates).</summary>
    [JsonPropertyName("crate_patterns")] public List<string>? CratePatterns { get; init; }
    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }
    /// <summary>"standard" (signed event JSON, the default), "slack" or "teams" (a chat message for that service's incoming webhook).</summary>
    [JsonPropertyName("kind")] public string? Kind { get; init; }

    public WebhookEndpointRequest ToRequest() => new(Url, Description, Events, CratePatterns, Enabled, Kind);
}

/// <summary>
/// An endpoint. `secrets` ("whsec_...", newest first) appear only in the answers to create and rotate-secret;
/// everywhere else `secret_count` says how many sign each delivery.
/// </summary>
public sealed record WebhookEndpointInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("crate_patterns")] IReadOnlyList<string> CratePatterns,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("disabled_reason")] string? DisabledReason,
    [property: JsonPropertyName("secret_count")] int SecretCount,
    [property: JsonPropertyName("secrets")] IReadOnlyList<string>? Secrets,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("kind")] string Kind)
{
    public static WebhookEndpointInfo Of(WebhookEndpoint e, bool showSecrets = false) => new(
        e.Id, e.Url, e.Description, e.Events, e.CratePatterns, e.Enabled, e.DisabledReason, e.Secrets.Count,
        showSecrets ? e.Secrets : null, e.CreatedAt, e.UpdatedAt, e.Kind);
}

public sealed record WebhookEndpointListResponse([property: JsonPropertyName("endpoints")] IReadOnlyList<WebhookEndpointInfo> Endpoints);

/// <summary>One delivery attempt: what came back (status, the first KB of the body) and how long it took.</summary>
public sealed record WebhookDeliveryInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("status_code")] int? StatusCode,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("response_excerpt")] string? ResponseExcerpt,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static WebhookDeliveryInfo Of(WebhookDelivery d) =>
        new(d.Id, d.EventId, d.EventType, d.Attempt, d.Success, d.StatusCode, d.DurationMs, d.ResponseExcerpt, d.Error, d.CreatedAt);
}

public sealed record WebhookDeliveryListResponse([property: JsonPropertyName("deliveries")] IReadOnlyList<WebhookDeliveryInfo> Deliveries);

/// <summary>The answer to redeliver and send-test: the event queued (its id is the webhook-id the receiver will see).</summary>
public sealed record WebhookQueuedResponse([property: JsonPropertyName("queued")] bool Queued, [property: JsonPropertyName("event_id")] string? EventId);

public sealed record JobQueueStatsInfo(
    [property: JsonPropertyName("pending")] long Pending,
    [property: JsonPropertyName("due")] long Due,
    [property: JsonPropertyName("failed")] long Failed,
    [property: JsonPropertyName("running")] long Running,
    [property: JsonPropertyName("succeeded")] long Succeeded,
    [property: JsonPropertyName("dead")] long Dead)
{
    public static JobQueueStatsInfo Of(JobQueueStats s) => new(s.Pending, s.Due, s.Failed, s.Running, s.Succeeded, s.Dead);
}

/// <summary>One job; the payload is left out (events can be large, and the admin list is an overview).</summary>
public sealed record JobInfo(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("max_attempts")] int MaxAttempts,
    [property: JsonPropertyName("run_at")] DateTimeOffset RunAt,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt)
{
    public static JobInfo Of(JobRecord j) =>
        new(j.Id, j.Kind, j.State.ToString().ToLowerInvariant(), j.Attempts, j.MaxAttempts, j.RunAt, j.LastError, j.CreatedAt, j.FinishedAt);
}

public sealed record JobQueueResponse(
    [property: JsonPropertyName("stats")] JobQueueStatsInfo Stats,
    [property: JsonPropertyName("jobs")] IReadOnlyList<JobInfo> Jobs);
