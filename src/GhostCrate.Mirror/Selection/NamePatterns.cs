using System.Text.RegularExpressions;

namespace GhostCrate.Mirror.Selection;

/// <summary>Glob patterns on crate names: `*` any run of characters, `?` one character; case-insensitive.</summary>
public sealed class NamePatterns
{
    private readonly Regex[] _patterns;

    public NamePatterns(IEnumerable<string> globs)
    {
        _patterns = globs
            .Where(g => !string.IsNullOrWhiteSpace(g))
            .Select(g => new Regex("^" + Regex.Escape(g.Trim().ToLowerInvariant()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
                RegexOptions.CultureInvariant | RegexOptions.NonBacktracking))
            .ToArray();
    }

    public bool Any => _patterns.Length > 0;

    public bool Matches(string name) => _patterns.Any(p => p.IsMatch(name.ToLowerInvariant()));
}
