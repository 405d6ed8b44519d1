namespace GhostCrate.Core.Licenses;

/// <summary>
/// Parses a Cargo `license` field as crates.io does: SPDX licence expressions
/// (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/) read with the spdx crate's parser in the mode
/// crates.io configures (crates.io `src/licenses.rs`): `/` is a synonym of `OR` (and needs no spaces), `+` may follow
/// a GNU id (`GPL-3.0+` means `GPL-3.0-or-later`), deprecated ids are accepted; operators must be upper case and
/// imprecise names (`Apache2`, `GPLv3`) are refused. The spdx crate's own `ParseMode::LAX` is laxer than crates.io on
/// both counts (it maps imprecise names and, since spdx 0.11, reads lower-case operators); crates.io's mode is the
/// one that decides what a registry accepts, so it is the one followed here.
/// Precedence, tightest first: `+`, `WITH`, `AND`, `OR`; parentheses group.
/// </summary>
public static class LicenseExpressionParser
{
    /// <summary>Longer `license` fields are refused before parsing; crates.io's are far shorter.</summary>
    public const int MaxLength = 2048;

    /// <summary>Nesting limit, so a hostile expression cannot exhaust the stack of the recursive parser.</summary>
    public const int MaxDepth = 32;

    private const string ListHint = "see https://spdx.org/licenses/ for the identifiers";

    public static LicenseParseResult Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Fail("the licence expression is empty", null, 0);
        if (text.Length > MaxLength) return Fail($"the licence expression is {text.Length} characters long; at most {MaxLength} are accepted", null, 0);
        try
        {
            var parser = new Parser(Lex(text), text.Length);
            var root = parser.ParseAny(depth: 0);
            parser.ExpectEnd();
            return new LicenseParseResult(new LicenseExpression(root), null);
        }
        catch (LicenseSyntaxException error)
        {
            return new LicenseParseResult(null, error.Error);
        }
    }

    private static LicenseParseResult Fail(string message, string? token, int position) =>
        new(null, new LicenseParseError(message, token, position));

    private enum Kind { Term, Plus, Open, Close, And, Or, With }

    private readonly record struct Token(Kind Kind, string Text, int Position);

    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
                // SPDX D.3: no whitespace between a licence id and its `+`.
                if (i < text.Length && text[i] == '+')
                    throw Error($"`+` at character {i + 1} must follow a licence id directly, without a space", "+", i);
                continue;
            }
            switch (c)
            {
                case '+': tokens.Add(new Token(Kind.Plus, "+", i)); i++; continue;
                case '(': tokens.Add(new Token(Kind.Open, "(", i)); i++; continue;
                case ')': tokens.Add(new Token(Kind.Close, ")", i)); i++; continue;
                // crates.io's lax syntax: `MIT/Apache-2.0` is `MIT OR Apache-2.0`.
                case '/': tokens.Add(new Token(Kind.Or, "/", i)); i++; continue;
            }
            var start = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '.' or ':')) i++;
            if (i == start)
                throw Error($"invalid character `{c}` at character {start + 1}: licence expressions use SPDX ids, `AND`, `OR`, `WITH`, `+`, `/` and parentheses", c.ToString(), start);
            var word = text[start..i];
            tokens.Add(word switch
            {
                "AND" => new Token(Kind.And, word, start),
                "OR" => new Token(Kind.Or, word, start),
                "WITH" => new Token(Kind.With, word, start),
                _ when word.Equals("AND", StringComparison.OrdinalIgnoreCase) || word.Equals("OR", StringComparison.OrdinalIgnoreCase) || word.Equals("WITH", StringComparison.OrdinalIgnoreCase)
                    => throw Error($"`{word}` at character {start + 1} is not an operator: write `{word.ToUpperInvariant()}` (operators must be upper case, as crates.io requires)", word, start),
                _ => new Token(Kind.Term, word, start),
            });
        }
        return tokens;
    }

    private sealed class Parser(List<Token> tokens, int length)
    {
        private int next;

        private Token? Peek => next < tokens.Count ? tokens[next] : null;

        public LicenseNode ParseAny(int depth)
        {
            var terms = new List<LicenseNode>();
            Add(terms, ParseAll(depth), flattenAny: true);
            while (Peek is { Kind: Kind.Or })
            {
                next++;
                Add(terms, ParseAll(depth), flattenAny: true);
            }
            return terms.Count == 1 ? terms[0] : new LicenseAny(terms);
        }

        public void ExpectEnd()
        {
            if (Peek is { } extra) throw Unexpected(extra, "`AND`, `OR` or the end of the expression");
        }

        private LicenseNode ParseAll(int depth)
        {
            var terms = new List<LicenseNode>();
            Add(terms, ParsePrimary(depth), flattenAny: false);
            while (Peek is { Kind: Kind.And })
            {
                next++;
                Add(terms, ParsePrimary(depth), flattenAny: false);
            }
            return terms.Count == 1 ? terms[0] : new LicenseAll(terms);
        }

        /// <summary>`(A OR B) OR C` is `A OR B OR C`: a parenthesised group of the same operator is spliced in.</summary>
        private static void Add(List<LicenseNode> terms, LicenseNode node, bool flattenAny)
        {
            if (flattenAny && node is LicenseAny any) terms.AddRange(any.Terms);
            else if (!flattenAny && node is LicenseAll all) terms.AddRange(all.Terms);
            else terms.Add(node);
        }

        private LicenseNode ParsePrimary(int depth)
        {
            var token = Peek ?? throw Error($"the licence expression ends where a licence id or `(` was expected", null, length);
            if (token.Kind == Kind.Open)
            {
                if (depth >= MaxDepth) throw Error($"parentheses are nested deeper than {MaxDepth} levels", "(", token.Position);
                next++;
                var inner = ParseAny(depth + 1);
                var close = Peek ?? throw Error($"the `(` at character {token.Position + 1} is never closed", "(", token.Position);
                if (close.Kind != Kind.Close) throw Unexpected(close, "`AND`, `OR` or `)`");
                next++;
                return inner;
            }
            if (token.Kind != Kind.Term) throw Unexpected(token, "a licence id or `(`");
            next++;
            var (id, orLater) = ReadLicense(token);
            string? exception = null;
            if (Peek is { Kind: Kind.With } with)
            {
                next++;
                var addition = Peek ?? throw Error($"`WITH` at character {with.Position + 1} must be followed by a licence exception id", "WITH", with.Position);
                if (addition.Kind != Kind.Term) throw Unexpected(addition, "a licence exception id after `WITH`");
                exception = ReadException(addition);
                next++;
            }
            return new LicenseRequirement(id, orLater, exception);
        }

        private (string Id, bool OrLater) ReadLicense(Token token)
        {
            var id = token.Text;
            var isReference = IsReference(id, "LicenseRef-");
            if (!isReference && !SpdxLicenseList.IsLicense(id)) throw UnknownLicense(token);
            if (Peek is not { Kind: Kind.Plus } plus) return (id, false);
            next++;
            if (isReference) throw Error($"`+` at character {plus.Position + 1} may only follow an SPDX licence id, not `{id}`", "+", plus.Position);
            if (!SpdxLicenseList.IsGnu(id)) return (id, true);
            // GNU ids carry "or later" in the id itself (the spdx crate's rule): GPL-3.0+ and GPL-3.0-only+ are GPL-3.0-or-later.
            if (id.EndsWith("-or-later", StringComparison.Ordinal))
                throw Error($"`{id}+` says \"or later\" twice: write `{id}`", id + "+", token.Position);
            var baseId = id.EndsWith("-only", StringComparison.Ordinal) ? id[..^"-only".Length] : id;
            var orLaterId = baseId + "-or-later";
            if (!SpdxLicenseList.IsLicense(orLaterId))
                throw Error($"`{id}+` at character {token.Position + 1} has no \"or later\" form on the SPDX licence list; {ListHint}", id + "+", token.Position);
            return (orLaterId, false);
        }

        private static string ReadException(Token token)
        {
            var id = token.Text;
            if (SpdxLicenseList.IsException(id) || IsReference(id, "AdditionRef-")) return id;
            if (SpdxLicenseList.IsLicense(id))
                throw Error($"`{id}` at character {token.Position + 1} is a licence, not a licence exception: combine licences with `AND` or `OR`, not `WITH`", id, token.Position);
            var hint = SpdxLicenseList.FindIgnoringCase(id) is { } listed && SpdxLicenseList.IsException(listed) ? $" (ids are case-sensitive: did you mean `{listed}`?)" : "";
            throw Error($"unknown licence exception `{id}` at character {token.Position + 1}{hint}; see https://spdx.org/licenses/exceptions-index.html", id, token.Position);
        }

        private static LicenseSyntaxException UnknownLicense(Token token)
        {
            var id = token.Text;
            if (SpdxLicenseList.IsException(id))
                return Error($"`{id}` at character {token.Position + 1} is a licence exception, not a licence: write `LICENSE WITH {id}`", id, token.Position);
            var hint = SpdxLicenseList.FindIgnoringCase(id) is { } listed && SpdxLicenseList.IsLicense(listed)
                ? $"ids are case-sensitive: did you mean `{listed}`?"
                : "imprecise names are not accepted (crates.io refuses them too)";
            return Error($"unknown licence `{id}` at character {token.Position + 1}: not an SPDX licence id ({hint}); {ListHint}", id, token.Position);
        }

        private static LicenseSyntaxException Unexpected(Token token, string expected) =>
            Error($"unexpected `{token.Text}` at character {token.Position + 1}: expected {expected}", token.Text, token.Position);

        /// <summary>`[DocumentRef-X:]LicenseRef-Y` (or AdditionRef-), where X and Y are SPDX idstrings (letters, digits, `-`, `.`).</summary>
        private static bool IsReference(string text, string prefix)
        {
            var colon = text.IndexOf(':');
            if (colon >= 0)
            {
                if (!text.StartsWith("DocumentRef-", StringComparison.Ordinal) || !IsIdString(text["DocumentRef-".Length..colon])) return false;
                text = text[(colon + 1)..];
            }
            return text.StartsWith(prefix, StringComparison.Ordinal) && IsIdString(text[prefix.Length..]);
        }

        private static bool IsIdString(string value) => value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
    }

    private static LicenseSyntaxException Error(string message, string? token, int position) =>
        new(new LicenseParseError(message, token, position));

    private sealed class LicenseSyntaxException(LicenseParseError error) : Exception(error.Message)
    {
        public LicenseParseError Error { get; } = error;
    }
}
