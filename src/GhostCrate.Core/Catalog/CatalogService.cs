using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Catalog;

/// <summary>What the home page, the search page and profiles list.</summary>
public sealed class CatalogService(ICrateCatalog catalog, ICrateRepository crates, IUserRepository users, CrateVisibility visibility)
{
    public const int HomeListSize = 8;
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;

    /// <summary><paramref name="viewer"/> (null: anonymous) decides which restricted crates are left out of the lists.</summary>
    public async Task<HomeSummary> GetHomeAsync(Principal? viewer, CancellationToken cancellationToken)
    {
        var hidden = await visibility.HiddenAsync(viewer, cancellationToken);
        var counts = await catalog.CountAsync(cancellationToken);
        var recent = await catalog.SearchAsync(Search.SearchQuery.Empty, CrateSort.RecentlyUpdated, 0, HomeListSize, cancellationToken);
        var popular = await catalog.SearchAsync(Search.SearchQuery.Empty, CrateSort.Downloads, 0, HomeListSize, cancellationToken);
        return new HomeSummary(counts, CrateVisibility.Filter(recent.Crates, hidden), CrateVisibility.Filter(popular.Crates, hidden));
    }

    /// <summary>One page of results; <paramref name="page"/> counts from 1 and is clamped to the pages that exist.</summary>
    public Task<CatalogSearchResult> SearchAsync(string? query, CrateSort sort, int page, int perPage, Principal? viewer, CancellationToken cancellationToken) =>
        SearchAsync(Search.SearchQuery.Parse(query), sort, page, perPage, viewer, cancellationToken);

    /// <summary>One page of results for words and filters (Core/Search); <paramref name="page"/> counts from 1 and is clamped.</summary>
    public async Task<CatalogSearchResult> SearchAsync(Search.SearchQuery query, CrateSort sort, int page, int perPage, Principal? viewer, CancellationToken cancellationToken)
    {
        // Without words there is nothing to be relevant to: list by downloads.
        if (!query.HasText && sort == CrateSort.Relevance) sort = CrateSort.Downloads;
        var size = Math.Clamp(perPage, 1, MaxPerPage);
        var current = Math.Max(page, 1);
        var found = await catalog.SearchAsync(query, sort, (current - 1) * size, size, cancellationToken);
        var pages = (int)Math.Max(1, (found.Total + size - 1) / size);
        if (current > pages && found.Total > 0)
        {
            current = pages;
            found = await catalog.SearchAsync(query, sort, (current - 1) * size, size, cancellationToken);
        }
        var hidden = await visibility.HiddenAsync(viewer, cancellationToken);
        var shown = CrateVisibility.Filter(found.Crates, hidden);
        return new CatalogSearchResult(query.Text, sort, current, size, pages, found.Total - (found.Crates.Count - shown.Count), shown) { Filters = query };
    }

    /// <summary>Crates that depend on <paramref name="name"/>, or null for an unknown crate.</summary>
    public async Task<ReverseDependencyPage?> ReverseDependenciesAsync(string name, int page, int perPage, Principal? viewer, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken);
        var hidden = await visibility.HiddenAsync(viewer, cancellationToken);
        if (crate is null || CrateVisibility.IsHidden(hidden, crate.Name)) return null;
        var size = Math.Clamp(perPage, 1, MaxPerPage);
        // Dependency rows keep the spelling of the dependent's Cargo.toml; cargo accepts `-`/`_` and case variants of
        // one name, so ask for each spelling (exact-match lookups keep the crate_name index usable).
        var spellings = new[] { crate.Name, crate.CanonicalName, crate.CanonicalName.Replace('-', '_'), crate.Name.ToLowerInvariant() }
            .Distinct(StringComparer.Ordinal).ToList();
        var found = await catalog.ListReverseDependenciesAsync(spellings, crate.Id, (Math.Max(page, 1) - 1) * size, size, cancellationToken);
        var shown = found.Crates.Where(c => !CrateVisibility.IsHidden(hidden, c.Name)).ToList();
        return new ReverseDependencyPage(shown, found.Total - (found.Crates.Count - shown.Count));
    }

    /// <summary>A user and the crates they own, or null when there is no such user.</summary>
    public async Task<UserCrates?> UserCratesAsync(string username, Principal? viewer, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return null;
        return new UserCrates(user.Id, user.Username, user.IsAdmin, user.CreatedAt, await OwnedByAsync(user.Id, viewer, cancellationToken));
    }

    public async Task<IReadOnlyList<CrateSearchHit>> OwnedByOrganizationAsync(long orgId, Principal? viewer, CancellationToken cancellationToken) =>
        CrateVisibility.Filter(await catalog.ListOwnedByOrganizationAsync(orgId, cancellationToken), await visibility.HiddenAsync(viewer, cancellationToken));

    public async Task<IReadOnlyList<CrateSearchHit>> OwnedByAsync(long userId, Principal? viewer, CancellationToken cancellationToken) =>
        CrateVisibility.Filter(await catalog.ListOwnedByAsync(userId, cancellationToken), await visibility.HiddenAsync(viewer, cancellationToken));

    public Task<RegistryCounts> CountAsync(CancellationToken cancellationToken) => catalog.CountAsync(cancellationToken);
}

public sealed record HomeSummary(RegistryCounts Counts, IReadOnlyList<CrateSearchHit> RecentlyUpdated, IReadOnlyList<CrateSearchHit> MostDownloaded);

public sealed record CatalogSearchResult(
    string Query,
    CrateSort Sort,
    int Page,
    int PerPage,
    int Pages,
    long Total,
    IReadOnlyList<CrateSearchHit> Crates)
{
    /// <summary>The parsed query: its words and filters.</summary>
    public Search.SearchQuery Filters { get; init; } = Search.SearchQuery.Empty;
}

public sealed record UserCrates(long UserId, string Username, bool IsAdmin, DateTimeOffset CreatedAt, IReadOnlyList<CrateSearchHit> Crates);
