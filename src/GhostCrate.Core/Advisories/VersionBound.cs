using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Advisories;

public enum BoundKind
{
    Unbounded,
    Inclusive,
    Exclusive,
}

/// <summary>One end of an unaffected range (RustSec `osv::unaffected_range::Bound`).</summary>
public readonly record struct VersionBound(BoundKind Kind, SemVersion? Version)
{
    public static VersionBound Unbounded => new(BoundKind.Unbounded, null);
    public static VersionBound Inclusive(SemVersion v) => new(BoundKind.Inclusive, v);
    public static VersionBound Exclusive(SemVersion v) => new(BoundKind.Exclusive, v);

    /// <summary>
    /// Whether <paramref name="start"/> (the start of one range) lies at or before <paramref name="end"/> (the end of
    /// a range): an unbounded side always does; equal versions only when both ends include them.
    /// </summary>
    public static bool StartsAtOrBefore(VersionBound start, VersionBound end)
    {
        if (start.Kind == BoundKind.Unbounded || end.Kind == BoundKind.Unbounded) return true;
        var c = start.Version!.CompareTo(end.Version);
        if (c < 0) return true;
        return c == 0 && start.Kind == BoundKind.Inclusive && end.Kind == BoundKind.Inclusive;
    }

    public override string ToString() => Kind switch
    {
        BoundKind.Unbounded => "unbounded",
        BoundKind.Inclusive => $"[{Version}]",
        _ => $"({Version})",
    };
}
