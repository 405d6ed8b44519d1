using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Publishing;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Publishing;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Catalog;

/// <summary>Assembles the crate page: the chosen version with its README and metadata, every version, dependencies, owners.</summary>
public sealed class CrateDetailsService(ICrateRepository crates, ICrateCatalog catalog, IOwnerRepository owners, Organizations.ICrateGroupOwnerRepository groups, CrateAccess access,
    Holds.IHeldVersionRepository held)
{
    /// <summary>
    /// A version held for approval, for its reviewers only (administrators: docs/security.md "Approval hold"), so they
    /// can read its source before approving. Null for everyone else and for a version that is not held.
    /// </summary>
    public async Task<CrateDetails?> GetHeldForReviewAsync(string name, string version, Principal? viewer, CancellationToken cancellationToken)
    {
        if (viewer is not { IsAdmin: true }) return null;
        var crate = await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken);
        if (crate is null) return null;
        var row = await held.FindHeldVersionAsync(crate.CanonicalName, version, cancellationToken);
        if (row is null) return null;
        var metadata = ParseMetadata(row.MetadataJson, crate.Name, row.Version);
        return new CrateDetails(
            crate,
            row,
            metadata,
            SortNewestFirst(await catalog.ListVersionSummariesAsync(crate.Id, cancellationToken)),
            metadata.Deps.Select(ToInfo).OrderBy(d => KindOrder(d.Kind)).ThenBy(d => d.Name, StringComparer.Ordinal).ToList(),
            await owners.ListAsync(crate.Id, cancellationToken),
            null,
            await groups.ListAsync(crate.Id, cancellationToken));
    }

    /// <summary>
    /// The crate with <paramref name="version"/> selected, or the default version (the newest non-yanked release, else
    /// the newest of all) when it is null. Null when the crate or the version does not exist, or is hidden from
    /// <paramref name="viewer"/> (null: anonymous).
    /// </summary>
    public async Task<CrateDetails?> GetAsync(string name, string? version, Principal? viewer, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken);
        // A restricted crate the viewer may not read does not exist for them (docs/permissions.md).
        if (crate is null || !await access.CanReadAsync(crate, viewer, cancellationToken)) return null;
        var versions = SortNewestFirst(await catalog.ListVersionSummariesAsync(crate.Id, cancellationToken));
        if (versions.Count == 0) return null;
        var chosen = version ?? crate.MaxVersion ?? versions[0].Version;
        var row = await crates.FindVersionAsync(crate.CanonicalName, chosen, cancellationToken);
        if (row is null) return null;
        var metadata = ParseMetadata(row.MetadataJson, crate.Name, row.Version);
        var publishedBy = versions.FirstOrDefault(v => v.Id == row.Id)?.PublishedBy;
        return new CrateDetails(
            crate,
            row,
            metadata,
            versions,
            metadata.Deps.Select(ToInfo).OrderBy(d => KindOrder(d.Kind)).ThenBy(d => d.Name, StringComparer.Ordinal).ToList(),
            await owners.ListAsync(crate.Id, cancellationToken),
            publishedBy,
            await groups.ListAsync(crate.Id, cancellationToken));
    }

    /// <summary>SemVer order, newest first; a version that does not parse (none should) sorts by publish order.</summary>
    public static IReadOnlyList<VersionSummary> SortNewestFirst(IEnumerable<VersionSummary> versions) =>
        versions
            .Select(v => (Summary: v, Parsed: SemVersion.TryParse(v.Version, out var parsed) ? parsed : null))
            .OrderByDescending(v => v.Parsed is not null)
            .ThenByDescending(v => v.Parsed, Comparer<SemVersion?>.Create((a, b) => a is null || b is null ? 0 : a.CompareTo(b)))
            .ThenByDescending(v => v.Summary.Id)
            .Select(v => v.Summary)
            .ToList();

    private static PublishMetadata ParseMetadata(string json, string name, string version)
    {
        try
        {
            return JsonSerializer.Deserialize<PublishMetadata>(json) ?? new PublishMetadata { Name = name, Vers = version };
        }
        catch (JsonException)
        {
            // Stored by our own publish, so this means a hand-edited row; show the page without the extras.
            return new PublishMetadata { Name = name, Vers = version };
        }
    }

    private static DependencyInfo ToInfo(PublishDependency dep)
    {
        var source = dep.Registry is null
            ? DependencySource.ThisRegistry
            : DependencyRegistries.IsCratesIo(dep.Registry) ? DependencySource.CratesIo : DependencySource.OtherRegistry;
        var rename = dep.ExplicitNameInToml is { Length: > 0 } r && r != dep.Name ? r : null;
        return new DependencyInfo(dep.Name, rename, dep.VersionReq, dep.Kind, dep.Optional, dep.DefaultFeatures, dep.Features, dep.Target, source, dep.Registry);
    }

    private static int KindOrder(string kind) => kind switch { "normal" => 0, "build" => 1, "dev" => 2, _ => 3 };
}
