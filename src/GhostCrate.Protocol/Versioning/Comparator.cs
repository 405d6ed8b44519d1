namespace GhostCrate.Protocol.Versioning;

/// <summary>
/// One comparator of a requirement, e.g. `>=1.2` or `^0.3.1-beta`. Missing minor/patch are null
/// (`1` or `1.*`), which is how Cargo's semver crate distinguishes `^1` from `^1.0.0`.
/// Matching mirrors the semver crate Cargo uses, so we accept exactly the versions cargo would pick.
/// </summary>
public sealed record Comparator(ComparatorOp Op, ulong Major, ulong? Minor, ulong? Patch, IReadOnlyList<string> Pre)
{
    public bool Matches(SemVersion v) => Op switch
    {
        ComparatorOp.Exact or ComparatorOp.Wildcard => MatchesExact(v),
        ComparatorOp.Greater => MatchesGreater(v),
        ComparatorOp.GreaterEq => MatchesExact(v) || MatchesGreater(v),
        ComparatorOp.Less => MatchesLess(v),
        ComparatorOp.LessEq => MatchesExact(v) || MatchesLess(v),
        ComparatorOp.Tilde => MatchesTilde(v),
        ComparatorOp.Caret => MatchesCaret(v),
        _ => false,
    };

    /// <summary>
    /// A pre-release version is only acceptable when some comparator names the same major.minor.patch
    /// with a pre-release: `>=1.2.3-alpha` opts into 1.2.3 pre-releases but not into 1.3.0-beta
    /// (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#pre-releases).
    /// </summary>
    public bool AllowsPrereleaseOf(SemVersion v) =>
        Major == v.Major && Minor == v.Minor && Patch == v.Patch && Pre.Count > 0;

    private int ComparePre(SemVersion v) => PrereleaseOrder.Compare(v.Prerelease, Pre);

    private bool MatchesExact(SemVersion v)
    {
        if (v.Major != Major) return false;
        if (Minor is { } minor && v.Minor != minor) return false;
        if (Patch is { } patch && v.Patch != patch) return false;
        return ComparePre(v) == 0;
    }

    private bool MatchesGreater(SemVersion v)
    {
        if (v.Major != Major) return v.Major > Major;
        if (Minor is not { } minor) return false;
        if (v.Minor != minor) return v.Minor > minor;
        if (Patch is not { } patch) return false;
        if (v.Patch != patch) return v.Patch > patch;
        return ComparePre(v) > 0;
    }

    private bool MatchesLess(SemVersion v)
    {
        if (v.Major != Major) return v.Major < Major;
        if (Minor is not { } minor) return false;
        if (v.Minor != minor) return v.Minor < minor;
        if (Patch is not { } patch) return false;
        if (v.Patch != patch) return v.Patch < patch;
        return ComparePre(v) < 0;
    }

    /// <summary>~1.2.3 := >=1.2.3, &lt;1.3.0; ~1.2 := >=1.2.0, &lt;1.3.0; ~1 := >=1.0.0, &lt;2.0.0.</summary>
    private bool MatchesTilde(SemVersion v)
    {
        if (v.Major != Major) return false;
        if (Minor is { } minor && v.Minor != minor) return false;
        if (Patch is { } patch && v.Patch != patch) return v.Patch > patch;
        return ComparePre(v) >= 0;
    }

    /// <summary>
    /// ^1.2.3 := >=1.2.3, &lt;2.0.0; ^0.2.3 := >=0.2.3, &lt;0.3.0; ^0.0.3 := =0.0.3; ^0.0 := >=0.0.0, &lt;0.1.0; ^0 := &lt;1.0.0
    /// (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#caret-requirements).
    /// </summary>
    private bool MatchesCaret(SemVersion v)
    {
        if (v.Major != Major) return false;
        if (Minor is not { } minor) return true;
        if (Patch is not { } patch)
            return Major > 0 ? v.Minor >= minor : v.Minor == minor;

        if (Major > 0)
        {
            if (v.Minor != minor) return v.Minor > minor;
            if (v.Patch != patch) return v.Patch > patch;
        }
        else if (minor > 0)
        {
            if (v.Minor != minor) return false;
            if (v.Patch != patch) return v.Patch > patch;
        }
        else if (v.Minor != minor || v.Patch != patch)
        {
            return false;
        }
        return ComparePre(v) >= 0;
    }
}
