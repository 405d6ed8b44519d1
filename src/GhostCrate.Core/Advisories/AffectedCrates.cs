using GhostCrate.Core.Catalog;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// One advisory's findings in one crate of one source (private, `proxy:NAME`, `mirror`), with how many of this
/// registry's crates depend on it (their latest version): the administrators' list of what to fix first.
/// </summary>
public sealed record AffectedCrate(string Crate, string Source, Advisory Advisory, IReadOnlyList<string> Versions, int Dependents);

/// <summary>
/// The administrators' list of affected crates (docs/security.md "Where users see it"): vulnerabilities before
/// warnings (unmaintained, unsound, notice), then by severity, then by dependents, from the stored findings.
/// </summary>
public sealed class AffectedCrates(IAdvisoryRepository repository, AdvisoryService advisories, ICrateCatalog catalog)
{
    public async Task<IReadOnlyList<AffectedCrate>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.AllAffectedAsync(cancellationToken);
        if (rows.Count == 0) return [];
        var names = rows.Select(r => r.CrateName).Distinct(StringComparer.Ordinal).ToList();
        var byId = new Dictionary<string, Advisory>(StringComparer.Ordinal);
        foreach (var a in await advisories.ForCratesAsync(names, cancellationToken)) byId[a.Id] = a;
        // A private crate's dependents name it without a registry; a proxied or mirrored one's with theirs.
        var privateDependents = await catalog.CountDependentsAsync(names, onThisRegistry: true, cancellationToken);
        var foreignDependents = await catalog.CountDependentsAsync(names, onThisRegistry: false, cancellationToken);
        return [.. rows
            .Where(r => byId.ContainsKey(r.AdvisoryId))
            .GroupBy(r => (r.AdvisoryId, r.Source, r.CrateName))
            .Select(g => new AffectedCrate(
                g.Key.CrateName, g.Key.Source, byId[g.Key.AdvisoryId],
                [.. g.Select(r => r.Version).Distinct(StringComparer.Ordinal).Order(VersionOrder.Instance)],
                (g.Key.Source == VersionSources.Private ? privateDependents : foreignDependents).GetValueOrDefault(g.Key.CrateName)))
            .OrderBy(c => c.Advisory.IsWarning)
            .ThenByDescending(c => c.Advisory.Severity)
            .ThenByDescending(c => c.Dependents)
            .ThenBy(c => c.Crate, StringComparer.Ordinal)
            .ThenBy(c => c.Source, StringComparer.Ordinal)
            .ThenBy(c => c.Advisory.Id, StringComparer.Ordinal)];
    }

    /// <summary>SemVer precedence; a version that does not parse sorts after those that do, by text.</summary>
    private sealed class VersionOrder : IComparer<string>
    {
        public static readonly VersionOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = SemVersion.TryParse(x ?? "", out var va) ? va : null;
            var b = SemVersion.TryParse(y ?? "", out var vb) ? vb : null;
            if (a is not null && b is not null) return a.CompareTo(b);
            if (a is not null) return -1;
            if (b is not null) return 1;
            return string.CompareOrdinal(x, y);
        }
    }
}
