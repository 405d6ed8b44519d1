using System.Diagnostics.CodeAnalysis;

namespace GhostCrate.Protocol.Versioning;

/// <summary>
/// A Cargo version requirement such as `^1.2`, `>=1.0, <2`, `~0.3`, `1.*` or `*`
/// (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html), with the semver crate's semantics.
/// </summary>
public sealed class VersionReq
{
    private readonly string _text;
    private readonly IReadOnlyList<Comparator> _comparators;

    private VersionReq(string text, IReadOnlyList<Comparator> comparators)
    {
        _text = text;
        _comparators = comparators;
    }

    /// <summary>True for `*`, which matches every release (but no pre-release).</summary>
    public bool IsAny => _comparators.Count == 0;

    /// <summary>
    /// The comparators as parsed, for readers that interpret requirements as ranges rather than as Cargo's
    /// resolver does (RustSec advisories: https://github.com/rustsec/rustsec/blob/main/rustsec/src/osv/unaffected_range.rs).
    /// </summary>
    public IReadOnlyList<Comparator> Comparators => _comparators;

    public static VersionReq Parse(string text) =>
        TryParse(text, out var req) ? req : throw new FormatException($"`{text}` is not a valid version requirement");

    public static bool TryParse(string text, [NotNullWhen(true)] out VersionReq? req)
    {
        req = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 1024) return false;

        // `*` must stand alone: `*, <2` is rejected by cargo too.
        if (ComparatorParser.IsWildcard(text.AsSpan().Trim()))
        {
            req = new VersionReq(text, []);
            return true;
        }

        var comparators = new List<Comparator>();
        foreach (var part in text.Split(','))
        {
            var comparator = ComparatorParser.Parse(part);
            if (comparator is null) return false;
            comparators.Add(comparator);
        }
        req = new VersionReq(text, comparators);
        return true;
    }

    public bool Matches(SemVersion v)
    {
        ArgumentNullException.ThrowIfNull(v);
        foreach (var c in _comparators)
            if (!c.Matches(v)) return false;

        // Pre-releases are opt-in: see Comparator.AllowsPrereleaseOf.
        return !v.IsPrerelease || _comparators.Any(c => c.AllowsPrereleaseOf(v));
    }

    /// <summary>The requirement exactly as written.</summary>
    public override string ToString() => _text;
}
