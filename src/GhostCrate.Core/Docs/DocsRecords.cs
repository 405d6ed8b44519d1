namespace GhostCrate.Core.Docs;

/// <summary>The builder's state for one version (docs/rustdoc.md).</summary>
public enum DocsBuildStatus
{
    Queued,
    Building,
    Built,
    Failed,
}

/// <summary>
/// The docs of one version: <see cref="Generation"/> names the stored files (docs/{crate}/{version}/{generation}/),
/// null while there are none. Build fields describe the builder's last run.
/// </summary>
public sealed record VersionDocs(
    long VersionId,
    string? Generation,
    int Files,
    long Bytes,
    string? Source,
    DateTimeOffset? UpdatedAt,
    long? UpdatedBy,
    DocsBuildStatus? BuildStatus,
    string? BuildLog,
    DateTimeOffset? BuildUpdatedAt,
    string? BuildToolchain = null);

/// <summary>A staged set of files ready to become a version's docs.</summary>
public sealed record DocsGeneration(string Id, int Files, long Bytes, string Source, long? UserId, DateTimeOffset At);

/// <summary>What an upload stored.</summary>
public sealed record DocsUploadReceipt(string Crate, string Version, int Files, long Bytes, string Url);

/// <summary>A version the builder may build again (rebuild-all).</summary>
public sealed record DocsBuildTarget(long VersionId, string Crate, string CanonicalName, string Version);
