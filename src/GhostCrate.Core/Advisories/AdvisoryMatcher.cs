using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Advisories;

/// <summary>Which advisories affect which versions: a pure function, shared by sync, publish, proxy fetch and audit.</summary>
public static class AdvisoryMatcher
{
    /// <summary>
    /// Advisories of <paramref name="crateName"/> that affect <paramref name="version"/>. Withdrawn ones never match;
    /// a version that is not SemVer matches nothing (Cargo cannot have published it).
    /// </summary>
    public static IEnumerable<Advisory> Matching(IEnumerable<Advisory> advisories, string crateName, string version)
    {
        if (!SemVersion.TryParse(version, out var v)) yield break;
        var canonical = CrateName.Canonicalize(crateName);
        foreach (var a in advisories)
            if (!a.IsWithdrawn && CrateName.Canonicalize(a.Package) == canonical && a.Versions.IsAffected(v))
                yield return a;
    }

    public static IReadOnlyList<AffectedVersion> Affected(IReadOnlyList<Advisory> advisories, IEnumerable<KnownVersion> versions)
    {
        var byPackage = advisories.Where(a => !a.IsWithdrawn).ToLookup(a => CrateName.Canonicalize(a.Package));
        var rows = new List<AffectedVersion>();
        foreach (var known in versions)
        {
            var canonical = CrateName.Canonicalize(known.CrateName);
            foreach (var a in Matching(byPackage[canonical], canonical, known.Version))
                rows.Add(new AffectedVersion(a.Id, known.Source, canonical, known.Version));
        }
        return rows;
    }

    /// <summary>cargo-audit's "Solution" line: the patched ranges joined by OR, or that no fix exists.</summary>
    public static string Solution(Advisory advisory) => advisory.Versions.Patched.Count == 0
        ? "No fixed upgrade is available!"
        : "Upgrade to " + string.Join(" OR ", advisory.Versions.Patched.Select(p => p.Replace(" ", "", StringComparison.Ordinal)));
}
