using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// Server-side syntax highlighting of README code blocks for the languages a crate's README shows most: Rust, TOML
/// (Cargo.toml snippets), shell (`cargo add ...`) and JSON. The code is split into tokens by ordered, anchored rules;
/// each token becomes a span with a class (`hl-keyword`, `hl-string`, ...) that site.css colours for light and dark
/// mode. Done on the server so the page needs no script (the CSP allows none inline) and reads the same without one.
/// The rules are deliberately simple (no nesting, no type inference): a wrong colour is harmless, a slow regex is not,
/// so every pattern is linear and has a match timeout.
/// </summary>
public static partial class CodeHighlighter
{
    /// <summary>Longer blocks are shown plain: highlighting is for reading, and a huge generated block is not read.</summary>
    public const int MaxChars = 64 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    public sealed record Token(string Text, string? Class);

    private sealed record Rule(Regex Pattern, string? Class, Func<string, string?>? Classify = null);

    private static Regex R(string pattern, RegexOptions extra = RegexOptions.None) =>
        new(@"\G(?:" + pattern + ")", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | extra, Timeout);

    private static readonly FrozenSet<string> RustKeywords = FrozenSet.Create(StringComparer.Ordinal,
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn", "for",
        "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static",
        "struct", "super", "trait", "true", "type", "union", "unsafe", "use", "where", "while", "yield", "gen", "try");

    private static readonly FrozenSet<string> RustPrimitives = FrozenSet.Create(StringComparer.Ordinal,
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64");

    private static readonly Rule[] Rust =
    [
        new(R(@"//[^\n]*"), "hl-comment"),
        new(R(@"/\*[\s\S]*?(\*/|$)"), "hl-comment"),
        new(R(@"b?r(?<h>#{0,8})""[\s\S]*?(""\k<h>|$)"), "hl-string"),
        new(R(@"b?""(\\[\s\S]|[^""\\])*(""|$)"), "hl-string"),
        new(R(@"b?'(\\(x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]{1,6}\}|.)|[^'\\\n])'"), "hl-string"),
        new(R(@"'[A-Za-z_][A-Za-z0-9_]*"), "hl-lifetime"),
        new(R(@"#!?\[[^\]\n]*\]?"), "hl-attribute"),
        new(R(@"[A-Za-z_][A-Za-z0-9_]*!"), "hl-macro"),
        new(R(@"(0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9_]+)?)([iuf](8|16|32|64|128|size))?"), "hl-number"),
        new(R(@"[A-Za-z_][A-Za-z0-9_]*"), null, word =>
            RustKeywords.Contains(word) ? "hl-keyword"
            : RustPrimitives.Contains(word) ? "hl-type"
            : char.IsUpper(word[0]) ? "hl-type" : null),
    ];

    private static readonly Rule[] Toml =
    [
        new(R(@"#[^\n]*"), "hl-comment"),
        new(R(@"^[ \t]*\[\[?[^\]\n]*\]?\]?", RegexOptions.Multiline), "hl-section"),
        new(R(@"""""""[\s\S]*?(""""""|$)"), "hl-string"),
        new(R(@"'''[\s\S]*?('''|$)"), "hl-string"),
        new(R(@"""(\\.|[^""\\\n])*(""|$)"), "hl-string"),
        new(R(@"'[^'\n]*('|$)"), "hl-string"),
        new(R(@"[A-Za-z0-9_.-]+(?=[ \t]*=)"), "hl-key"),
        new(R(@"(true|false)\b"), "hl-keyword"),
        new(R(@"[+-]?[0-9][0-9_:.TZ+-]*"), "hl-number"),
    ];

    private static readonly Rule[] Shell =
    [
        new(R(@"(?<=^|[ \t;])#[^\n]*", RegexOptions.Multiline), "hl-comment"),
        new(R(@"^[ \t]*[$>][ \t]", RegexOptions.Multiline), "hl-prompt"),
        new(R(@"""(\\.|[^""\\])*(""|$)"), "hl-string"),
        new(R(@"'[^']*('|$)"), "hl-string"),
        new(R(@"\$(\{[^}\n]*\}?|[A-Za-z_][A-Za-z0-9_]*|[0-9@#?$!*-])"), "hl-variable"),
        new(R(@"(?<=^|[ \t])--?[A-Za-z0-9][A-Za-z0-9-]*", RegexOptions.Multiline), "hl-attribute"),
        new(R(@"(?<=^[ \t]*([$>][ \t]+)?|[|;&][ \t]*)[A-Za-z_][A-Za-z0-9_.-]*", RegexOptions.Multiline), "hl-keyword"),
    ];

    private static readonly Rule[] Json =
    [
        new(R(@"""(\\.|[^""\\\n])*""(?=[ \t\r\n]*:)"), "hl-key"),
        new(R(@"""(\\.|[^""\\\n])*(""|$)"), "hl-string"),
        new(R(@"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?"), "hl-number"),
        new(R(@"(true|false|null)\b"), "hl-keyword"),
    ];

    /// <summary>The rules for a Markdown info string (`rust`, `toml`, `sh`, ...), or null for a language not highlighted.</summary>
    private static Rule[]? RulesFor(string language) => language.ToLowerInvariant() switch
    {
        "rust" or "rs" => Rust,
        "toml" => Toml,
        "sh" or "shell" or "bash" or "console" or "shell-session" or "zsh" => Shell,
        "json" or "jsonc" => Json,
        _ => null,
    };

    public static bool Supports(string language) => RulesFor(language) is not null;

    /// <summary>
    /// The tokens of <paramref name="code"/>, concatenating back to exactly the input; null when the language is not
    /// highlighted, the block is too long, or a rule ran out of time.
    /// </summary>
    public static IReadOnlyList<Token>? Tokenize(string code, string language)
    {
        if (RulesFor(language) is not { } rules || code.Length > MaxChars) return null;
        var tokens = new List<Token>();
        var plain = new System.Text.StringBuilder();
        try
        {
            var at = 0;
            while (at < code.Length)
            {
                Token? token = null;
                foreach (var rule in rules)
                {
                    var match = rule.Pattern.Match(code, at);
                    if (!match.Success || match.Length == 0) continue;
                    token = new Token(match.Value, rule.Classify is null ? rule.Class : rule.Classify(match.Value));
                    break;
                }
                if (token is null || token.Class is null)
                {
                    // Unclassified text (including a plain identifier) joins the surrounding plain run.
                    var text = token?.Text ?? code[at].ToString();
                    plain.Append(text);
                    at += text.Length;
                    continue;
                }
                if (plain.Length > 0)
                {
                    tokens.Add(new Token(plain.ToString(), null));
                    plain.Clear();
                }
                tokens.Add(token);
                at += token.Text.Length;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        if (plain.Length > 0) tokens.Add(new Token(plain.ToString(), null));
        return tokens;
    }
}
