using GhostCrate.Core.Options;

namespace GhostCrate.Data.Crates;

/// <summary>
/// The WHERE condition of a crate search (a substring of crates.search_text, or the exact canonical name), served by
/// an index where there is one (migration 0005): on SQLite the FTS5 trigram table crates_search, matched with the
/// query as one phrase, which for 3 or more characters is exactly "contains this substring"; on PostgreSQL the
/// pg_trgm GIN index serves the LIKE itself. Two-character SQLite queries look up crate_search_pairs (migration 0006);
/// one-character ones scan with LIKE. Parameters: @pattern (LIKE), @phrase (the FTS5 phrase, or the pair), @exact.
/// </summary>
internal sealed class SearchFilter
{
    private SearchFilter(string condition, string? indexedMatch, string? countSql, string pattern, string phrase, string fewMatchesHint = "", string? rowMatch = null)
    {
        FewMatchesHint = fewMatchesHint;
        RowMatch = rowMatch ?? indexedMatch;
        Condition = condition;
        IndexedMatch = indexedMatch;
        CountSql = countSql;
        Pattern = pattern;
        Phrase = phrase;
    }

    /// <summary>The condition on `{alias}` columns.</summary>
    public string Condition { get; }

    /// <summary>SQLite only: the text match alone (no exact-name rule), on unaliased `crates` columns; else null.</summary>
    public string? IndexedMatch { get; }

    /// <summary>SQLite only: the count of the matches (exact name included), without ranking them; else null.</summary>
    public string? CountSql { get; }

    /// <summary>
    /// SQLite only: the same match tested on one row (parameter @contains, the query), for walking crates in ranking
    /// order: <see cref="IndexedMatch"/> as `id IN (...)` first collects every match, which for a common word costs as
    /// much as counting them (measured at 100k crates: ~5 ms against 0.1 ms for the first page). search_text and the
    /// query are both lowercase, so a substring test is the same "contains" the indexes answer.
    /// </summary>
    public string? RowMatch { get; }

    /// <summary>How to read crates when few match (SQLite): a scan must say NOT INDEXED, else SQLite walks the ranking index.</summary>
    public string FewMatchesHint { get; }

    public string Pattern { get; }

    /// <summary>The indexed lookup's value: the FTS5 phrase, or the pair itself.</summary>
    public string Phrase { get; }

    /// <param name="text">The lowercase, trimmed query (search_text is stored lowercase).</param>
    public static SearchFilter For(DatabaseProvider provider, string text, string alias)
    {
        var pattern = LikePattern.Contains(text);
        var phrase = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        if (provider == DatabaseProvider.Sqlite && text.EnumerateRunes().Count() >= 3)
        {
            const string matches = "SELECT rowid FROM crates_search WHERE crates_search MATCH @phrase";
            return new SearchFilter(
                $"({alias}id IN ({matches}) OR {alias}canonical_name = @exact)",
                $"id IN ({matches})",
                // Every crate has exactly one row in crates_search (kept by triggers), so its matches are crates.
                $"""
                SELECT (SELECT count(*) FROM crates_search WHERE crates_search MATCH @phrase)
                     + (SELECT count(*) FROM crates WHERE canonical_name = @exact AND id NOT IN ({matches}))
                """,
                pattern,
                phrase,
                rowMatch: "instr(search_text, @contains) > 0");
        }
        if (provider == DatabaseProvider.Sqlite && SearchPairs.IsPair(text))
        {
            // Two characters: the pair's range of crate_search_pairs (migration 0006), the same shape as FTS5 above.
            const string matches = "SELECT crate_id FROM crate_search_pairs WHERE pair = @phrase";
            return new SearchFilter(
                $"({alias}id IN ({matches}) OR {alias}canonical_name = @exact)",
                $"id IN ({matches})",
                $"""
                SELECT (SELECT count(*) FROM crate_search_pairs WHERE pair = @phrase)
                     + (SELECT count(*) FROM crates WHERE canonical_name = @exact AND id NOT IN ({matches}))
                """,
                pattern,
                text,
                rowMatch: "instr(search_text, @contains) > 0");
        }
        const string like = "search_text LIKE @pattern ESCAPE '\\'";
        if (provider == DatabaseProvider.Sqlite)
        {
            // One character: a scan, counted on its own so the page need not sort every match (most crates).
            return new SearchFilter(
                $"({alias}{like} OR {alias}canonical_name = @exact)",
                like,
                $"SELECT count(*) FROM crates WHERE {like} OR canonical_name = @exact",
                pattern,
                phrase,
                "NOT INDEXED");
        }
        return new SearchFilter($"({alias}{like} OR {alias}canonical_name = @exact)", null, null, pattern, phrase);
    }
}
