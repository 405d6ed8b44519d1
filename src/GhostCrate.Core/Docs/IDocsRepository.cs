namespace GhostCrate.Core.Docs;

/// <summary>The version_docs table: which stored generation is each version's docs.</summary>
public interface IDocsRepository
{
    Task<VersionDocs?> FindAsync(long versionId, CancellationToken cancellationToken);

    /// <summary>Every version of a crate that has a row (docs or a build status).</summary>
    Task<IReadOnlyList<VersionDocs>> ListForCrateAsync(long crateId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="generation"/> the version's docs in one transaction (concurrent swaps take turns) and
    /// returns the generation it replaced, which the caller then deletes. With <paramref name="buildTicket"/> (a build:
    /// the ticket <see cref="TryStartBuildAsync"/> returned) docs uploaded after the build was queued are kept and
    /// nothing changes (not swapped). "After" is the order in which the database committed the two, never a clock.
    /// </summary>
    Task<DocsSwapResult> SwapAsync(long versionId, DocsGeneration generation, long? buildTicket, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the version's build queued and queues <paramref name="job"/>, its build job, in the same transaction. After a
    /// publish (<see cref="DocsQueueReason.Publish"/>) only a version with no build status and no docs yet, or one already
    /// queued (a fan-out that runs again finishes its own enqueue; the job's dedup key keeps it single), is marked; a
    /// rebuild also marks a built or failed one, and one whose build job (by its dedup key) is no longer pending or
    /// running: its node died and the job queue gave the job up when its lease ran out. <see cref="DocsQueueReason.RebuildKeepingUploads"/>
    /// never marks one whose current docs were uploaded. False: nothing changed, nothing queued.
    /// </summary>
    Task<bool> TryQueueBuildAsync(long versionId, Jobs.NewJob job, DocsQueueReason reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryQueueBuildAsync"/> for a batch of versions (a rebuild-all), in one transaction with the build job of
    /// each version it marked (<paramref name="jobFor"/>); returns how many it marked.
    /// </summary>
    Task<int> QueueBuildsAsync(IReadOnlyList<DocsBuildTarget> targets, DocsQueueReason reason, DateTimeOffset now,
        Func<DocsBuildTarget, Jobs.NewJob> jobFor, CancellationToken cancellationToken);

    /// <summary>
    /// Queued (or building, when the same job runs again after its lease ran out) becomes building. Returns the build's
    /// ticket (its place in the row's order of queues and uploads, for <see cref="SwapAsync"/>), or null when the
    /// version was not queued.
    /// </summary>
    Task<long?> TryStartBuildAsync(long versionId, string toolchain, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the versions a rebuild-all considers, by ascending version id after <paramref name="afterVersionId"/>:
    /// with <paramref name="otherThanToolchain"/>, those the builder built, failed or was asked to build with another
    /// toolchain (or none recorded yet); when null, every version. Versions whose current docs were uploaded only with
    /// <paramref name="includeUploaded"/>; held versions never. Queued and building ones are listed too: the queue's
    /// compare-and-set counts them as already queued.
    /// </summary>
    Task<IReadOnlyList<DocsBuildTarget>> ListRebuildTargetsAsync(string? otherThanToolchain, bool includeUploaded, long afterVersionId, int limit, CancellationToken cancellationToken);

    /// <summary>Versions per docs state (held versions left out); <paramref name="toolchain"/> tells outdated builds apart.</summary>
    Task<DocsBuildCounts> CountAsync(string toolchain, CancellationToken cancellationToken);

    /// <summary>The newest failed builds, each with the last <paramref name="excerptChars"/> characters of its log.</summary>
    Task<IReadOnlyList<DocsBuildFailure>> ListRecentFailuresAsync(int limit, int excerptChars, CancellationToken cancellationToken);

    /// <summary>
    /// Records the end of the build with <paramref name="buildTicket"/> (what <see cref="TryStartBuildAsync"/> returned):
    /// built or failed, with its (capped) log. Only while the row is still at that build: false (nothing written) when
    /// a newer build was queued since, e.g. by another node after this build's job lease ran out.
    /// </summary>
    Task<bool> FinishBuildAsync(long versionId, long buildTicket, DocsBuildStatus status, string log, DateTimeOffset now, CancellationToken cancellationToken);
}
