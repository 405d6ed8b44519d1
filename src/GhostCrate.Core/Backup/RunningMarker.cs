using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhostCrate.Core.Backup;

/// <summary>
/// What a `backup create` that is still writing says about itself (running.json in its folder): when it last showed
/// it is alive, and which earlier backup its blobs are referenced in. Prune leaves a backup with a fresh marker alone,
/// and keeps its base, so a prune next to a running backup (another node's retention, a CLI prune, a scheduled backup
/// re-run after its first attempt died) never deletes files that backup is writing or is about to reference.
/// </summary>
public sealed record RunningMarker(DateTimeOffset RenewedAt, [property: JsonPropertyName("base")] string? Base)
{
    public const string FileName = "running.json";

    /// <summary>How often a running backup renews its marker.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A marker older than this belongs to a backup that died (a kill, a lost node). Many renewals long, so that a slow
    /// upload or clocks a few minutes apart between nodes never make a live backup look dead.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public bool IsLive(DateTimeOffset now) => now - RenewedAt < StaleAfter;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Null for a marker that does not parse (half-written by a crash): it proves nothing, so it counts as dead.</summary>
    public static RunningMarker? TryParse(byte[]? json)
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize<RunningMarker>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
