namespace GhostCrate.Core.Notifications;

/// <summary>
/// Crate name patterns of webhook endpoints: a name, or a prefix with a trailing "*" ("serde*", "acme-*"). Compared
/// after Cargo's canonicalisation (case-insensitive, '-' and '_' alike), as crate names themselves are.
/// </summary>
public static class CratePattern
{
    public static bool IsValid(string pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > 64) return false;
        var body = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        return body.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && (body.Length > 0 || pattern == "*");
    }

    public static bool Matches(string pattern, string crateName)
    {
        var name = Canonical(crateName);
        return pattern.EndsWith('*')
            ? name.StartsWith(Canonical(pattern[..^1]), StringComparison.Ordinal)
            : name == Canonical(pattern);
    }

    private static string Canonical(string value) => value.ToLowerInvariant().Replace('_', '-');
}
