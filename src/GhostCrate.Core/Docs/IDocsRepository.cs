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
}
