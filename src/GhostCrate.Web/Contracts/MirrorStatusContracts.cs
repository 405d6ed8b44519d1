using System.Text.Json.Serialization;
using GhostCrate.Mirror.Sync;
using GhostCrate.Web.Ui.OfflineMirror;

namespace GhostCrate.Web.Contracts;

/// <summary>Reply to GET /api/v1/admin/mirror/status; `enabled` is false when no offline mirror is served.</summary>
public sealed record MirrorStatusResponse(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("mirrors")] IReadOnlyList<MirrorStatusInfo> Mirrors);

/// <summary>
/// One offline mirror directory, as on /admin/mirror. `state`: running, stale (heartbeat stopped), complete,
/// incomplete, failed, interrupted or never; `sync` is the sync's own status file (null before the first sync).
/// </summary>
public sealed record MirrorStatusInfo(
    [property: JsonPropertyName("mountPath")] string MountPath,
    [property: JsonPropertyName("directory")] string Directory,
    [property: JsonPropertyName("upstream")] string? Upstream,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("stale")] bool Stale,
    [property: JsonPropertyName("heartbeatAgeSeconds")] double? HeartbeatAgeSeconds,
    [property: JsonPropertyName("percentDone")] int? PercentDone,
    [property: JsonPropertyName("sync")] SyncStatus? Sync,
    [property: JsonPropertyName("served")] ServedIndexInfo? Served,
    [property: JsonPropertyName("counting")] bool Counting,
    [property: JsonPropertyName("latestMark")] int LatestMark,
    [property: JsonPropertyName("importedAt")] DateTimeOffset? ImportedAt,
    [property: JsonPropertyName("importedMark")] int? ImportedMark)
{
    public static MirrorStatusInfo Of(OfflineMirrorStatus m) => new(
        m.MountPath, m.Directory, m.Upstream, m.State, m.Stale,
        m.HeartbeatAge is { } age ? Math.Round(age.TotalSeconds, 1) : null,
        m.PercentDone, m.Sync,
        m.Served is { } s ? new ServedIndexInfo(s.Crates, s.Versions, s.CountedAt) : null,
        m.Counting, m.LatestMark, m.ImportedAt, m.ImportedMark);
}

/// <summary>Crates (index files) and versions (index lines) served, as counted at `countedAt`.</summary>
public sealed record ServedIndexInfo(
    [property: JsonPropertyName("crates")] long Crates,
    [property: JsonPropertyName("versions")] long Versions,
    [property: JsonPropertyName("countedAt")] DateTimeOffset CountedAt);
