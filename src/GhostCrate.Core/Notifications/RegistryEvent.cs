using System.Text.Json;
using System.Text.Json.Serialization;
using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Notifications;

/// <summary>
/// One event as it is stored in the outbox and sent to receivers: the Standard Webhooks payload shape
/// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure:
/// type, timestamp, data) plus the event's id, which is also the webhook-id header and stays the same on every retry
/// and redelivery, so receivers can drop duplicates.
/// </summary>
public sealed record RegistryEvent(string Id, string Type, DateTimeOffset Timestamp, JsonElement Data)
{
    /// <summary>The outbox job kind: one job per event, fanned out to the matching endpoints when it runs.</summary>
    public const string JobKind = "event";

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>A new event with a fresh id ("msg_" + 32 hex digits; Standard Webhooks ids are opaque strings).</summary>
    public static RegistryEvent Create<TData>(string type, TData data, DateTimeOffset timestamp) =>
        new($"msg_{Guid.NewGuid():N}", type, timestamp, JsonSerializer.SerializeToElement(data, JsonOptions));

    /// <summary>The outbox job: its dedup key is the event id, so one event is queued once.</summary>
    public NewJob ToJob() => new(JobKind, ToJson(), DedupKey: Id);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static RegistryEvent Parse(string json) =>
        JsonSerializer.Deserialize<RegistryEvent>(json, JsonOptions) ?? throw new JsonException("An event payload was null.");

    /// <summary>The crate an event is about, for an endpoint's crate name patterns; null for events about no crate.</summary>
    [JsonIgnore]
    public string? CrateName => StringMember("crate");

    /// <summary>The organization an event is about (org.member_changed), for per-organization endpoints; else null.</summary>
    [JsonIgnore]
    public string? OrgName => StringMember("org");

    /// <summary>The organizations that owned a deleted crate (crate.deleted's org_owners); empty for other events.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> OrgOwners =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("org_owners", out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    private string? StringMember(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
