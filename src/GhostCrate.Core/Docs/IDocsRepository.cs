namespace GhostCrate.Core.Docs;

/// <summary>The version_docs table: which stored generation is each version's docs.</summary>
public interface IDocsRepository
{
    Task<VersionDocs?> FindAsync(long versionId, CancellationToken cancellationToken);

    /// <summary>Every version of a crate that has a row (docs or a build status).</summary>
    Task<IReadOnlyList<VersionDocs>> ListForCrateAsync(long crateId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="generation"/> the version's docs in one transaction (concurrent swaps take turns) and
    /// returns the generation it replaced, which the caller then deletes.
    /// </summary>
    Task<string?> SwapAsync(long versionId, DocsGeneration generation, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the version's build queued. After a publish (<paramref name="rebuild"/> false) only a version with no
    /// build status and no docs yet, or one already queued (a fan-out that runs again finishes its own enqueue), is
    /// marked; a rebuild also marks a built or failed one, and one whose build status has not moved since
    /// <paramref name="staleBefore"/> (its node died). False: nothing changed, queue nothing.
    /// </summary>
    Task<bool> TryQueueBuildAsync(long versionId, bool rebuild, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    /// <summary>Queued (or building, when the same job runs again after its lease ran out) becomes building; false otherwise.</summary>
    Task<bool> TryStartBuildAsync(long versionId, string toolchain, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A page of versions whose docs the builder made, or failed to make, with a toolchain other than
    /// <paramref name="otherThanToolchain"/> (with any toolchain when null), by ascending version id after
    /// <paramref name="afterVersionId"/>. Versions whose current docs were uploaded are left out.
    /// </summary>
    Task<IReadOnlyList<DocsBuildTarget>> ListBuiltAsync(string? otherThanToolchain, long afterVersionId, int limit, CancellationToken cancellationToken);

    /// <summary>Records the end of a build: built or failed, with its (capped) log.</summary>
    Task FinishBuildAsync(long versionId, DocsBuildStatus status, string log, DateTimeOffset now, CancellationToken cancellationToken);
}
