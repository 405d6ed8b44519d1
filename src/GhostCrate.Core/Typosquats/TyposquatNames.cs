using System.Text;

namespace GhostCrate.Core.Typosquats;

/// <summary>
/// Which names a new crate name could be a typosquat of. The variants are generated from the new name (each rule
/// undone once), so checking them is a set lookup: no scan over every crate, and the database is asked about a few
/// hundred names at most. Names are compared canonically (lower case, `_` as `-`), as crates.io compares them.
/// </summary>
public static class TyposquatNames
{
    /// <summary>Existing names shorter than this are only matched by the separator and affix rules: one edit away from
    /// a three-letter name is a different word more often than a typo (`log`, `lag`, `leg`).</summary>
    public const int MinEditedLength = 4;

    // Common decorations of a crate name. `-rs` and `rust-` say "the Rust version of", `-core` and `-lib` "the real one".
    private static readonly string[] Suffixes = ["-rs", "-rust", "-core", "-lib", "-sys", "-cli", "-utils"];
    private static readonly string[] Prefixes = ["rust-", "rs-", "lib"];

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";

    // US QWERTY neighbours (same row and the rows above and below), lower case letters and digits.
    private static readonly Dictionary<char, string> Neighbours = new()
    {
        ['1'] = "2q", ['2'] = "13qw", ['3'] = "24we", ['4'] = "35er", ['5'] = "46rt", ['6'] = "57ty", ['7'] = "68yu", ['8'] = "79ui", ['9'] = "80io", ['0'] = "9op",
        ['q'] = "12wa", ['w'] = "23qeas", ['e'] = "34wrsd", ['r'] = "45etdf", ['t'] = "56ryfg", ['y'] = "67tugh", ['u'] = "78yihj", ['i'] = "89uojk", ['o'] = "90ipkl", ['p'] = "0ol",
        ['a'] = "qwsz", ['s'] = "weadzx", ['d'] = "ersfxc", ['f'] = "rtdgcv", ['g'] = "tyfhvb", ['h'] = "yugjbn", ['j'] = "uihknm", ['k'] = "iojlm", ['l'] = "opk",
        ['z'] = "asx", ['x'] = "sdzc", ['c'] = "dfxv", ['v'] = "fgcb", ['b'] = "ghvn", ['n'] = "hjbm", ['m'] = "jkn",
    };

    /// <summary>The rule as events and audit entries spell it: snake_case.</summary>
    public static string RuleName(TyposquatRule rule) => rule switch
    {
        TyposquatRule.KeyboardNeighbour => "keyboard_neighbour",
        _ => rule.ToString().ToLowerInvariant(),
    };

    public static string Canonical(string name) => name.ToLowerInvariant().Replace('_', '-');

    /// <summary>
    /// Every canonical name that <paramref name="candidate"/> would be a typosquat of, with the rule; the candidate
    /// itself is not among them (an equal canonical name is a name conflict, refused at publish).
    /// </summary>
    public static IReadOnlyDictionary<string, TyposquatRule> Variants(string candidate)
    {
        var c = Canonical(candidate);
        var found = new Dictionary<string, TyposquatRule>(StringComparer.Ordinal);
        void Add(string existing, TyposquatRule rule, bool edited)
        {
            if (existing.Length == 0 || existing == c || existing[0] == '-' || existing[^1] == '-' || existing.Contains("--", StringComparison.Ordinal)) return;
            if (edited && existing.Length < MinEditedLength) return;
            found.TryAdd(existing, rule);
        }

        for (var i = 0; i < c.Length; i++)
        {
            var removed = c.Remove(i, 1);
            // The candidate has a '-' the existing name lacks, or a doubled character, or one extra character we do not judge.
            if (c[i] == '-') Add(removed, TyposquatRule.Separator, edited: false);
            else if (i > 0 && c[i - 1] == c[i]) Add(removed, TyposquatRule.Repeated, edited: true);

            if (i + 1 < c.Length && c[i] != c[i + 1])
            {
                var swapped = new StringBuilder(c) { [i] = c[i + 1], [i + 1] = c[i] };
                Add(swapped.ToString(), TyposquatRule.Swapped, edited: true);
            }
            if (Neighbours.TryGetValue(c[i], out var keys))
            {
                foreach (var key in keys) Add(new StringBuilder(c) { [i] = key }.ToString(), TyposquatRule.KeyboardNeighbour, edited: true);
            }
        }
        // The candidate left a character out: the existing name has one more, anywhere.
        for (var i = 0; i <= c.Length; i++)
        {
            foreach (var ch in Alphabet)
                Add(c.Insert(i, ch.ToString()), ch == '-' ? TyposquatRule.Separator : TyposquatRule.Omitted, edited: ch != '-');
        }
        foreach (var suffix in Suffixes)
        {
            if (c.EndsWith(suffix, StringComparison.Ordinal)) Add(c[..^suffix.Length], TyposquatRule.Affix, edited: false);
        }
        foreach (var prefix in Prefixes)
        {
            if (c.StartsWith(prefix, StringComparison.Ordinal)) Add(c[prefix.Length..], TyposquatRule.Affix, edited: false);
        }
        return found;
    }
}
