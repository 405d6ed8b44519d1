using GhostCrate.Core.Options;

namespace GhostCrate.Data.Crates;

/// <summary>
/// The WHERE condition of a crate search (a substring of crates.search_text, or the exact canonical name), served by
/// an index where there is one (migration 0005): on SQLite the FTS5 trigram table crates_search, matched with the
/// query as one phrase, which for 3 or more characters is exactly "contains this substring"; on PostgreSQL the
/// pg_trgm GIN index serves the LIKE itself. Shorter SQLite queries (no trigram to look up) scan with LIKE as before.
/// Parameters: @pattern (LIKE), @phrase (FTS5), @exact.
/// </summary>
internal sealed class SearchFilter
{
    private SearchFilter(string condition, string? indexedMatch, string? countSql, string pattern, string phrase)
    {
        Condition = condition;
        IndexedMatch = indexedMatch;
        CountSql = countSql;
        Pattern = pattern;
        Phrase = phrase;
    }

    /// <summary>The condition on `{alias}` columns.</summary>
    public string Condition { get; }

    /// <summary>SQLite FTS5 only: the text match alone (no exact-name rule), on unaliased `crates` columns; else null.</summary>
    public string? IndexedMatch { get; }

    /// <summary>A cheaper count of the matches than counting the condition's rows (SQLite FTS5), or null.</summary>
    public string? CountSql { get; }

    public string Pattern { get; }

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
                phrase);
        }
        return new SearchFilter($"({alias}search_text LIKE @pattern ESCAPE '\\' OR {alias}canonical_name = @exact)", null, null, pattern, phrase);
    }
}
