using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Crates;

/// <summary>`cargo search` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search).</summary>
public sealed class SearchService(ICrateRepository crates, ICrateGroupOwnerRepository groups, IOptions<RegistryOptions> options)
{
    public const int DefaultPerPage = 10;
    public const int MaxPerPage = 100;

    public Task<CrateSearchPage> SearchAsync(string? query, int? perPage, int? page, CancellationToken cancellationToken) =>
        SearchAsync(query, perPage, page, null, cancellationToken);

    /// <summary>
    /// In auth-required mode, restricted crates the caller has no grant on are left out. The filter runs on the page,
    /// so such a page may hold fewer hits than asked for and the total counts only what the page removed.
    /// </summary>
    public async Task<CrateSearchPage> SearchAsync(string? query, int? perPage, int? page, Principal? caller, CancellationToken cancellationToken)
    {
        // Words, `-`/`_` as spaces and inline filters are read by Core/Search's SearchQuery in the store.
        var q = (query ?? "").Trim();
        var size = Math.Clamp(perPage ?? DefaultPerPage, 1, MaxPerPage);
        var offset = (Math.Max(page ?? 1, 1) - 1) * size;
        var found = await crates.SearchAsync(q, offset, size, cancellationToken);
        if (!options.Value.AuthRequired || caller?.IsAdmin == true) return found;
        var hidden = await groups.ListHiddenRestrictedAsync(caller?.UserId, cancellationToken);
        if (hidden.Count == 0) return found;
        var set = hidden.ToHashSet(StringComparer.Ordinal);
        var visible = found.Crates.Where(c => !set.Contains(Protocol.Crates.CrateName.Canonicalize(c.Name))).ToList();
        return new CrateSearchPage(visible, found.Total - (found.Crates.Count - visible.Count));
    }
}
