using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Catalog;

/// <summary>
/// Which crates a viewer may not see in listings: in auth-required mode, restricted crates the viewer has no grant on
/// (docs/permissions.md), as Cargo's search hides them. Lists are filtered after paging, like SearchService does, so
/// such a page may hold fewer entries; in normal mode, and for administrators, nothing is hidden.
/// </summary>
public sealed class CrateVisibility(ICrateGroupOwnerRepository groups, IOptions<RegistryOptions> options)
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Canonical names hidden from <paramref name="viewer"/> (null: anonymous).</summary>
    public async Task<IReadOnlySet<string>> HiddenAsync(Principal? viewer, CancellationToken cancellationToken)
    {
        if (!options.Value.AuthRequired || viewer?.IsAdmin == true) return Nothing;
        var hidden = await groups.ListHiddenRestrictedAsync(viewer?.UserId, cancellationToken);
        return hidden.Count == 0 ? Nothing : hidden.ToHashSet(StringComparer.Ordinal);
    }

    public static bool IsHidden(IReadOnlySet<string> hidden, string name) =>
        hidden.Count > 0 && hidden.Contains(Protocol.Crates.CrateName.Canonicalize(name));

    public static IReadOnlyList<CrateSearchHit> Filter(IReadOnlyList<CrateSearchHit> hits, IReadOnlySet<string> hidden) =>
        hidden.Count == 0 ? hits : hits.Where(h => !IsHidden(hidden, h.Name)).ToList();
}
