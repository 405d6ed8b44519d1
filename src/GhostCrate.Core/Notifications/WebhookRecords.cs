namespace GhostCrate.Core.Notifications;

/// <summary>
/// A webhook endpoint, registry-wide (<see cref="OrgId"/> null; administrators') or an organization's (it then
/// receives only events about that organization and the crates it or its teams own). <see cref="Events"/> and
/// <see cref="CratePatterns"/> filter what it receives (empty: everything); <see cref="Secrets"/> are "whsec_"
/// secrets, newest first, each signing every delivery.
/// </summary>
public sealed record WebhookEndpoint(
    long Id,
    string Url,
    string Description,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> CratePatterns,
    IReadOnlyList<string> Secrets,
    bool Enabled,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Kind = WebhookKinds.Standard,
    long? OrgId = null)
{
    /// <summary>Whether this endpoint wants <paramref name="registryEvent"/>: its type is listed and its crate matches.</summary>
    public bool Wants(RegistryEvent registryEvent)
    {
        if (Events.Count > 0 && !Events.Contains(registryEvent.Type, StringComparer.Ordinal)) return false;
        if (CratePatterns.Count == 0) return true;
        // An event about no crate (a token event) passes only endpoints that do not filter on crates.
        return registryEvent.CrateName is { } crate && CratePatterns.Any(p => CratePattern.Matches(p, crate));
    }
}

public sealed record NewWebhookEndpoint(
    string Url, string Description, IReadOnlyList<string> Events, IReadOnlyList<string> CratePatterns, IReadOnlyList<string> Secrets, bool Enabled, DateTimeOffset Now,
    string Kind = WebhookKinds.Standard, long? OrgId = null);

/// <summary>
/// What an endpoint receives: the signed event JSON (Standard Webhooks), or a chat message for Slack's incoming
/// webhooks or a Microsoft Teams Workflows webhook. Chat messages are not signed: those services authenticate the
/// sender by the secret URL itself.
/// </summary>
public static class WebhookKinds
{
    public const string Standard = "standard";
    public const string Slack = "slack";
    public const string Teams = "teams";

    public static IReadOnlyList<string> All { get; } = [Standard, Slack, Teams];
}

/// <summary>One attempt to deliver one event to one endpoint, for the delivery log.</summary>
public sealed record WebhookDelivery(
    long Id,
    long EndpointId,
    string EventId,
    string EventType,
    string Payload,
    int Attempt,
    bool Success,
    int? StatusCode,
    long DurationMs,
    string? ResponseExcerpt,
    string? Error,
    DateTimeOffset CreatedAt);

/// <summary>The delivery job's payload: which endpoint, and the event as it is sent (its id is the webhook-id).</summary>
public sealed record WebhookDeliveryJob(long EndpointId, string Event);
