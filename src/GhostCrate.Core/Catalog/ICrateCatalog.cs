using GhostCrate.Core.Crates;

namespace GhostCrate.Core.Catalog;

/// <summary>
/// Read-only queries behind the web UI (home, search, crate page, profiles). Kept apart from
/// <see cref="ICrateRepository"/>, which serves Cargo's protocol, so neither port grows into a god interface.
/// Names passed in are canonical unless stated otherwise.
/// </summary>
public interface ICrateCatalog
{
    /// <summary>Crates, versions and the sum of all downloads.</summary>
    Task<RegistryCounts> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Crates whose search text (name, description, keywords, categories) contains every word of <paramref name="query"/>
    /// and that pass its filters (no words, no filters: every crate), in the given order. Relevance puts the exact name
    /// first, then names starting with the words joined by '-', then everything else, each group by downloads, then name.
    /// </summary>
    Task<CrateSearchPage> SearchAsync(Search.SearchQuery query, CrateSort sort, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Every version of a crate without README or metadata (cheap enough for a version list).</summary>
    Task<IReadOnlyList<VersionSummary>> ListVersionSummariesAsync(long crateId, CancellationToken cancellationToken);

    /// <summary>
    /// Crates whose latest version (max_version) depends on a crate of this registry spelled one of
    /// <paramref name="dependencyNames"/> (the spellings a Cargo.toml may use for it), most downloaded first.
    /// <paramref name="excludeCrateId"/> leaves the crate itself out.
    /// </summary>
    Task<ReverseDependencyPage> ListReverseDependenciesAsync(IReadOnlyList<string> dependencyNames, long excludeCrateId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// For each canonical name, how many crates of this registry depend on a crate of that name in their latest
    /// version, any spelling: on this registry's crate (<paramref name="onThisRegistry"/>, the crate itself left out)
    /// or on another registry's (a proxied or mirrored crates.io crate). Names without dependents are left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, int>> CountDependentsAsync(IReadOnlyCollection<string> canonicalNames, bool onThisRegistry, CancellationToken cancellationToken);

    /// <summary>Crates a user owns, by name.</summary>
    Task<IReadOnlyList<CrateSearchHit>> ListOwnedByAsync(long userId, CancellationToken cancellationToken);

    /// <summary>Crates an organization owns, itself (`org:acme`) or through one of its teams (`org:acme:team`), by name.</summary>
    Task<IReadOnlyList<CrateSearchHit>> ListOwnedByOrganizationAsync(long orgId, CancellationToken cancellationToken);
}
