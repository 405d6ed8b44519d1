using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// The `[versions]` table: a version is affected iff it lies outside every patched and every unaffected range
/// (https://github.com/rustsec/rustsec/blob/main/rustsec/src/osv/ranges_for_advisory.rs). The ranges are turned
/// into their complement once, so matching a version is a scan of a few intervals.
/// </summary>
public sealed class AdvisoryVersions
{
    public IReadOnlyList<string> Patched { get; }
    public IReadOnlyList<string> Unaffected { get; }
    public IReadOnlyList<AffectedRange> AffectedRanges { get; }

    private AdvisoryVersions(IReadOnlyList<string> patched, IReadOnlyList<string> unaffected, IReadOnlyList<AffectedRange> affected)
    {
        Patched = patched;
        Unaffected = unaffected;
        AffectedRanges = affected;
    }

    public bool IsAffected(SemVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        foreach (var r in AffectedRanges)
            if (r.Affects(version)) return true;
        return false;
    }

    /// <summary>Builds the affected ranges; throws <see cref="AdvisoryFormatException"/> on malformed or overlapping ranges.</summary>
    public static AdvisoryVersions Create(IReadOnlyList<string> patched, IReadOnlyList<string> unaffected)
    {
        var ranges = unaffected.Select(UnaffectedRange.Parse).Concat(patched.Select(UnaffectedRange.Parse)).ToList();
        return new AdvisoryVersions(patched, unaffected, Complement(ranges));
    }

    /// <summary>The affected intervals between non-overlapping unaffected ranges.</summary>
    public static IReadOnlyList<AffectedRange> Complement(IReadOnlyList<UnaffectedRange> unaffected)
    {
        // No patched or unaffected versions at all: every version is affected.
        if (unaffected.Count == 0) return [new AffectedRange(null, null)];

        // The complement is only well defined for disjoint ranges; RustSec rejects overlaps, so do we.
        for (var i = 0; i < unaffected.Count; i++)
            for (var j = i + 1; j < unaffected.Count; j++)
                if (unaffected[i].Overlaps(unaffected[j]))
                    throw new AdvisoryFormatException($"overlapping version ranges: {unaffected[i]} and {unaffected[j]}");

        // Disjoint ranges sort the same by either bound; an open start sorts first.
        var sorted = unaffected.OrderBy(r => r.Start.Version is null ? 0 : 1).ThenBy(r => r.Start.Version).ToList();

        var result = new List<AffectedRange>();
        var first = sorted[0].Start;
        if (first.Kind != BoundKind.Unbounded)
            result.Add(new AffectedRange(null, first.Kind == BoundKind.Inclusive ? first.Version : Successor(first.Version!)));

        for (var i = 0; i + 1 < sorted.Count; i++)
        {
            var end = sorted[i].End;
            var nextStart = sorted[i + 1].Start;
            var from = end.Kind == BoundKind.Exclusive ? end.Version! : Successor(end.Version!);
            var to = nextStart.Kind == BoundKind.Inclusive ? nextStart.Version! : Successor(nextStart.Version!);
            result.Add(new AffectedRange(from, to));
        }

        var last = sorted[^1].End;
        if (last.Kind != BoundKind.Unbounded)
            result.Add(new AffectedRange(last.Kind == BoundKind.Exclusive ? last.Version : Successor(last.Version!), null));
        return result;
    }

    /// <summary>
    /// The lowest version above <paramref name="v"/> by SemVer 2.0 §11 precedence: 1.2.3 → 1.2.4-0 and
    /// 1.2.3-alpha → 1.2.3-alpha.0 (a longer identifier list with equal prefix sorts higher).
    /// </summary>
    public static SemVersion Successor(SemVersion v) => v.IsPrerelease
        ? UnaffectedRange.Version(v.Major, v.Minor, v.Patch, string.Join('.', v.Prerelease) + ".0")
        : UnaffectedRange.Version(v.Major, v.Minor, v.Patch + 1, "0");
}
