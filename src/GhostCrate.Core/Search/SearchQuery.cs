namespace GhostCrate.Core.Search;

/// <summary>
/// A crate search as the web UI and `cargo search` ask it (issue 23): words that must all occur in a crate's search text
/// (name, description, keywords, categories), plus optional filters. `-`, `_` and spaces separate words alike, so
/// "acme-http", "acme_http" and "acme http" ask the same thing. Filters may also be written inside the text, as on
/// crates.io (`keyword:http`, `category:web-programming`), plus `org:acme` and `has:advisories`, so `cargo search`,
/// which only sends `q`, can use them too.
/// </summary>
public sealed record SearchQuery
{
    public const int MaxLength = 200;
    public const int MaxWords = 8;

    private static readonly char[] Separators = [' ', '\t', '\r', '\n', '-', '_'];

    /// <summary>Lowercase, distinct, in the order typed; none of them contains a separator.</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    /// <summary>A keyword the crate must have (lowercase), or null.</summary>
    public string? Keyword { get; init; }

    /// <summary>A category slug the crate must be in, itself or one of its subcategories (lowercase), or null.</summary>
    public string? Category { get; init; }

    /// <summary>The canonical name of an organization that must own the crate (itself or through a team), or null.</summary>
    public string? Organization { get; init; }

    /// <summary>Only crates with at least one advisory that is not withdrawn (Core/Advisories).</summary>
    public bool HasAdvisories { get; init; }

    /// <summary>The words joined the way crate names are canonicalised ("acme http" -> "acme-http"): the exact-name hit.</summary>
    public string ExactName => string.Join('-', Words);

    public bool HasText => Words.Count > 0;

    public bool HasFilters => Keyword is not null || Category is not null || Organization is not null || HasAdvisories;

    /// <summary>The query as a search box would show it: the words and any filters written in the text.</summary>
    public string Text { get; init; } = "";

    public static SearchQuery Empty { get; } = new();

    /// <summary>
    /// Reads <paramref name="text"/> (cut at <see cref="MaxLength"/> characters); the explicit filters win over the same
    /// filter written in the text. Words beyond <see cref="MaxWords"/> are ignored (each is an index lookup).
    /// </summary>
    public static SearchQuery Parse(string? text, string? keyword = null, string? category = null, string? organization = null, bool hasAdvisories = false)
    {
        var q = (text ?? "").Trim();
        if (q.Length > MaxLength) q = q[..MaxLength];
        var words = new List<string>();
        string? inlineKeyword = null, inlineCategory = null, inlineOrg = null;
        var inlineAdvisories = false;
        foreach (var token in q.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var key = colon > 0 ? token[..colon].ToLowerInvariant() : "";
            var value = colon > 0 ? token[(colon + 1)..].ToLowerInvariant() : "";
            switch (key)
            {
                case "keyword" when value.Length > 0: inlineKeyword = value; continue;
                // Category slugs contain "::" (web-programming::http-client): everything after the first colon.
                case "category" when value.Length > 0: inlineCategory = value; continue;
                case "org" when value.Length > 0: inlineOrg = value; continue;
                case "has" when value == "advisories": inlineAdvisories = true; continue;
            }
            foreach (var word in token.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (words.Count < MaxWords && !words.Contains(word, StringComparer.Ordinal)) words.Add(word);
            }
        }
        return new SearchQuery
        {
            Words = words,
            Keyword = Clean(keyword) ?? inlineKeyword,
            Category = Clean(category) ?? inlineCategory,
            Organization = Clean(organization) ?? inlineOrg,
            HasAdvisories = hasAdvisories || inlineAdvisories,
            Text = q,
        };
    }

    private static string? Clean(string? value)
    {
        var v = value?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(v) ? null : v.Length > 100 ? v[..100] : v;
    }
}
