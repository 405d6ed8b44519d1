namespace GhostCrate.Protocol.Versioning;

/// <summary>
/// Parses one comparator (`>= 1.2.3-rc.1`, `~1.2`, `1.*`), following the grammar of the semver crate
/// Cargo uses (https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html).
/// </summary>
internal static class ComparatorParser
{
    public static Comparator? Parse(string text)
    {
        var rest = text.AsSpan().Trim();
        var (op, opLength) = ReadOp(rest);
        var explicitOp = opLength > 0;
        rest = rest[opLength..].TrimStart();

        if (!ReadNumber(ref rest, out var major)) return null;

        ulong? minor = null, patch = null;
        var wildcard = false;
        if (TrySkip(ref rest, '.'))
        {
            if (TrySkipWildcard(ref rest)) wildcard = true;
            else if (ReadNumber(ref rest, out var m)) minor = m;
            else return null;
        }
        if (TrySkip(ref rest, '.'))
        {
            if (TrySkipWildcard(ref rest)) wildcard = true;
            // `1.*.3` makes no sense: nothing may be pinned after a wildcard.
            else if (!wildcard && ReadNumber(ref rest, out var p)) patch = p;
            else return null;
        }
        // A bare `1.*` is its own operator; `>=1.*` keeps `>=` and simply leaves the minor open.
        if (wildcard && !explicitOp) op = ComparatorOp.Wildcard;

        IReadOnlyList<string> pre = [];
        if (patch is not null && TrySkip(ref rest, '-'))
        {
            var end = IdentifierRunLength(rest);
            if (!TryReadPrerelease(rest[..end].ToString(), out pre)) return null;
            rest = rest[end..];
        }
        // Build metadata is allowed but, as in SemVer, never affects matching.
        if (patch is not null && TrySkip(ref rest, '+'))
        {
            var end = IdentifierRunLength(rest);
            if (!ValidIdentifiers(rest[..end].ToString(), numericStrict: false)) return null;
            rest = rest[end..];
        }

        return rest.IsEmpty ? new Comparator(op, major, minor, patch, pre) : null;
    }

    private static (ComparatorOp Op, int Length) ReadOp(ReadOnlySpan<char> s) => s switch
    {
        ['>', '=', ..] => (ComparatorOp.GreaterEq, 2),
        ['<', '=', ..] => (ComparatorOp.LessEq, 2),
        ['>', ..] => (ComparatorOp.Greater, 1),
        ['<', ..] => (ComparatorOp.Less, 1),
        ['=', ..] => (ComparatorOp.Exact, 1),
        ['~', ..] => (ComparatorOp.Tilde, 1),
        ['^', ..] => (ComparatorOp.Caret, 1),
        // No operator means caret: `serde = "1.0"` is `^1.0`.
        _ => (ComparatorOp.Caret, 0),
    };

    private static bool TrySkip(ref ReadOnlySpan<char> s, char c)
    {
        if (s.IsEmpty || s[0] != c) return false;
        s = s[1..];
        return true;
    }

    public static bool IsWildcard(ReadOnlySpan<char> s) => s is "*" or "x" or "X";

    private static bool TrySkipWildcard(ref ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !IsWildcard(s[..1])) return false;
        s = s[1..];
        return true;
    }

    private static bool ReadNumber(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var length = 0;
        while (length < s.Length && char.IsAsciiDigit(s[length])) length++;
        // Leading zeros are invalid in SemVer (`01.2.3`).
        if (length == 0 || (length > 1 && s[0] == '0')) return false;
        if (!ulong.TryParse(s[..length], out value)) return false;
        s = s[length..];
        return true;
    }

    private static int IdentifierRunLength(ReadOnlySpan<char> s)
    {
        var i = 0;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '.')) i++;
        return i;
    }

    private static bool TryReadPrerelease(string text, out IReadOnlyList<string> pre)
    {
        pre = [];
        if (!ValidIdentifiers(text, numericStrict: true)) return false;
        pre = text.Split('.');
        return true;
    }

    private static bool ValidIdentifiers(string s, bool numericStrict)
    {
        if (s.Length == 0) return false;
        foreach (var id in s.Split('.'))
        {
            if (id.Length == 0) return false;
            // SemVer 2.0 §9: numeric pre-release identifiers must not have leading zeros.
            if (numericStrict && id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit)) return false;
        }
        return true;
    }
}
