using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// A range of versions that an advisory does not affect, read from one `patched` or `unaffected` requirement.
/// RustSec reads requirements as plain SemVer intervals, not with Cargo's resolver rules: a pre-release inside
/// the interval is in it, and `^`/`~` upper bounds end at `X.Y.Z-0` so that `^1.0` excludes `2.0.0-alpha`
/// (https://github.com/rustsec/rustsec/blob/main/rustsec/src/osv/unaffected_range.rs).
/// </summary>
public sealed record UnaffectedRange(VersionBound Start, VersionBound End)
{
    public bool Overlaps(UnaffectedRange other) =>
        VersionBound.StartsAtOrBefore(Start, other.End) && VersionBound.StartsAtOrBefore(other.Start, End);

    /// <summary>
    /// Converts one requirement. RustSec keeps this simple on purpose: at most one lower and one upper bound, and
    /// `=`, `^`, `~` (which set both) must stand alone. Anything else is an error, not a guess.
    /// </summary>
    public static UnaffectedRange Parse(string requirement)
    {
        if (!VersionReq.TryParse(requirement, out var req))
            throw new AdvisoryFormatException($"`{requirement}` is not a valid version requirement");
        var comparators = req.Comparators;
        if (comparators.Count > 2)
            throw new AdvisoryFormatException($"too many comparators in `{requirement}` (at most a lower and an upper bound)");

        var start = VersionBound.Unbounded;
        var end = VersionBound.Unbounded;
        foreach (var c in comparators)
        {
            var v = LowerVersion(c);
            switch (c.Op)
            {
                case ComparatorOp.Greater or ComparatorOp.GreaterEq:
                    if (start.Kind != BoundKind.Unbounded)
                        throw new AdvisoryFormatException($"more than one lower bound in `{requirement}`");
                    start = c.Op == ComparatorOp.Greater ? VersionBound.Exclusive(v) : VersionBound.Inclusive(v);
                    break;
                case ComparatorOp.Less or ComparatorOp.LessEq:
                    if (end.Kind != BoundKind.Unbounded)
                        throw new AdvisoryFormatException($"more than one upper bound in `{requirement}`");
                    end = c.Op == ComparatorOp.Less ? VersionBound.Exclusive(v) : VersionBound.Inclusive(v);
                    break;
                case ComparatorOp.Exact:
                    RequireAlone(comparators, requirement);
                    start = VersionBound.Inclusive(v);
                    end = VersionBound.Inclusive(v);
                    break;
                case ComparatorOp.Caret:
                    RequireAlone(comparators, requirement);
                    start = VersionBound.Inclusive(v);
                    end = VersionBound.Exclusive(CaretEnd(c));
                    break;
                case ComparatorOp.Tilde:
                    RequireAlone(comparators, requirement);
                    start = VersionBound.Inclusive(v);
                    end = VersionBound.Exclusive(TildeEnd(c));
                    break;
                default:
                    throw new AdvisoryFormatException($"unsupported operator in `{requirement}` (wildcards are not ranges RustSec accepts)");
            }
        }
        if (!VersionBound.StartsAtOrBefore(start, end))
            throw new AdvisoryFormatException($"invalid range `{requirement}`: start must be <= end; if equal, both bounds must be inclusive");
        return new UnaffectedRange(start, end);
    }

    private static void RequireAlone(IReadOnlyList<Comparator> comparators, string requirement)
    {
        if (comparators.Count != 1)
            throw new AdvisoryFormatException($"`{requirement}`: `=`, `^` and `~` set both bounds and must stand alone");
    }

    /// <summary>The comparator's version with missing parts as zero (`^1.2` starts at 1.2.0).</summary>
    private static SemVersion LowerVersion(Comparator c) =>
        Version(c.Major, c.Minor ?? 0, c.Patch ?? 0, c.Pre.Count == 0 ? null : string.Join('.', c.Pre));

    // `-0` is the lowest pre-release of a version: without it `^1.0.0` would reach 2.0.0-alpha1.
    private static SemVersion CaretEnd(Comparator c)
    {
        if (c.Major > 0) return Version(c.Major + 1, 0, 0, "0");
        return (c.Minor, c.Patch) switch
        {
            (0, { } patch) => Version(0, 0, patch + 1, "0"),
            ({ } minor, _) => Version(0, minor + 1, 0, "0"),
            _ => Version(1, 0, 0, "0"),
        };
    }

    private static SemVersion TildeEnd(Comparator c) => c.Minor is { } minor
        ? Version(c.Major, minor + 1, 0, "0")
        : Version(c.Major + 1, 0, 0, "0");

    internal static SemVersion Version(ulong major, ulong minor, ulong patch, string? pre) =>
        SemVersion.Parse(pre is null ? $"{major}.{minor}.{patch}" : $"{major}.{minor}.{patch}-{pre}");

    public override string ToString() =>
        (Start.Kind switch { BoundKind.Unbounded => "[0", BoundKind.Exclusive => $"({Start.Version}", _ => $"[{Start.Version}" })
        + ", "
        + (End.Kind switch { BoundKind.Unbounded => "∞)", BoundKind.Exclusive => $"{End.Version})", _ => $"{End.Version}]" });
}
