namespace GhostCrate.Protocol.Versioning;

/// <summary>
/// SemVer 2.0 §11 precedence of pre-release identifier lists, shared by <see cref="SemVersion"/> and
/// <see cref="VersionReq"/> so both order pre-releases identically.
/// </summary>
internal static class PrereleaseOrder
{
    /// <summary>Compares two pre-release lists; an empty list (a release) sorts after any pre-release.</summary>
    public static int Compare(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count == 0) return b.Count == 0 ? 0 : 1;
        if (b.Count == 0) return -1;
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var c = CompareIdentifier(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Count.CompareTo(b.Count);
    }

    private static int CompareIdentifier(string a, string b)
    {
        var aNum = ulong.TryParse(a, out var an) && a.All(char.IsAsciiDigit);
        var bNum = ulong.TryParse(b, out var bn) && b.All(char.IsAsciiDigit);
        return (aNum, bNum) switch
        {
            (true, true) => an.CompareTo(bn),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    }
}
