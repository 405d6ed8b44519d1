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

/// <summary>What a swap did: <see cref="Swapped"/> false when newer uploaded docs were kept; <see cref="Previous"/> the generation replaced.</summary>
public sealed record DocsSwapResult(bool Swapped, string? Previous);

/// <summary>What an upload stored.</summary>
public sealed record DocsUploadReceipt(string Crate, string Version, int Files, long Bytes, string Url);

/// <summary>A version the builder may build again (rebuild-all).</summary>
public sealed record DocsBuildTarget(long VersionId, string Crate, string CanonicalName, string Version);

/// <summary>Why a build is queued: which states of the version's row allow it (IDocsRepository.TryQueueBuildAsync).</summary>
public enum DocsQueueReason
{
    /// <summary>After a publish: only a version with neither docs nor a build state yet.</summary>
    Publish,

    /// <summary>An owner's or administrator's rebuild of one version: any state but queued or building (unless its build job is dead), uploaded docs included.</summary>
    Rebuild,

    /// <summary>Rebuild-all without "include uploaded": as <see cref="Rebuild"/>, but never a version whose current docs were uploaded.</summary>
    RebuildKeepingUploads,
}

/// <summary>
/// How many versions are in each docs state (/admin/docs). <see cref="Outdated"/>: built or failed with a toolchain
/// other than the pinned one, the versions a rebuild-all queues; <see cref="WithoutDocs"/>: never built nor uploaded.
/// Held versions are not counted.
/// </summary>
public sealed record DocsBuildCounts(long Queued, long Building, long Built, long Failed, long Uploaded, long WithoutDocs, long Outdated);

/// <summary>A failed build as /admin/docs lists it: the end of its log, where cargo's error and the builder's reason are.</summary>
public sealed record DocsBuildFailure(string Crate, string Version, DateTimeOffset FailedAt, string? Toolchain, string LogExcerpt);
