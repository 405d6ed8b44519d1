using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Data.Crates;

/// <summary>The version a crate is shown with (crates.io's max_version): computed in C# because SemVer order is not text order.</summary>
internal static class MaxVersion
{
    /// <summary>
    /// The highest non-yanked version, preferring releases over pre-releases; when every version is yanked, the
    /// highest of all (so the crate still shows something). Null when there are no parsable versions.
    /// </summary>
    public static string? Compute(IEnumerable<(string Num, bool Yanked)> versions)
    {
        var parsed = versions
            .Select(v => (v.Num, v.Yanked, Sem: SemVersion.TryParse(v.Num, out var s) ? s : null))
            .Where(v => v.Sem is not null)
            .ToList();
        var live = parsed.Where(v => !v.Yanked).ToList();
        if (live.Count == 0) return Highest(parsed);
        var releases = live.Where(v => !v.Sem!.IsPrerelease).ToList();
        return Highest(releases.Count > 0 ? releases : live);
    }

    private static string? Highest(List<(string Num, bool Yanked, SemVersion? Sem)> candidates) =>
        candidates.Count == 0 ? null : candidates.MaxBy(v => v.Sem!)!.Num;
}
