using GhostCrate.Mirror.Sync;

namespace GhostCrate.Web.Ui.OfflineMirror;

/// <summary>What the admin page and /api/v1/admin/mirror/status show about one offline mirror directory.</summary>
public sealed record OfflineMirrorStatus(
    string MountPath,
    string Directory,
    string? Upstream,
    SyncStatus? Sync,
    /// <summary>The status says running but its heartbeat stopped: the sync process died or hangs.</summary>
    bool Stale,
    TimeSpan? HeartbeatAge,
    ServedIndexCount? Served,
    /// <summary>A count of the served index is under way (the first after start-up, or after a sync or import).</summary>
    bool Counting,
    int LatestMark,
    DateTimeOffset? ImportedAt,
    /// <summary>The bundle mark this directory was last brought to by `mirror import` (the offline side), or null.</summary>
    int? ImportedMark = null)
{
    /// <summary>
    /// running, stale, or the last sync's result (complete, incomplete, failed, interrupted); on a directory fed only
    /// by bundles, imported; else never.
    /// </summary>
    public string State => Sync is null ? ImportedMark is null ? "never" : "imported" : Stale ? "stale" : Sync.Running ? "running" : Sync.Phase;

    /// <summary>Per cent of the files queued so far; the total grows while the upstream index is still being read.</summary>
    public int? PercentDone => Sync is { FilesQueued: > 0 } s ? (int)Math.Min(100, s.FilesDone * 100 / s.FilesQueued) : null;
}

/// <summary>Crates (index files) and versions (index lines) the mirror serves, as counted at <see cref="CountedAt"/>.</summary>
public sealed record ServedIndexCount(long Crates, long Versions, DateTimeOffset CountedAt);
