using System.Data.Common;
using Dapper;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Options;
using GhostCrate.Core.Search;
using GhostCrate.Data.Crates;

namespace GhostCrate.Data.Search;

/// <summary>
/// The one crate search behind `cargo search` (CrateRepository) and the web UI (CrateCatalog), so both find and rank
/// alike (issue 23). A crate matches when every word occurs in its search text (or the words are its exact name) and
/// it passes the filters. Relevance ranks the exact name first, then names starting with the query, then names holding
/// every word, then the rest; each group by recent downloads (the last 90 days, as crates.io's; migration 0031), then
/// all-time downloads, then name.
/// Each word is served by an index where there is one: SQLite's FTS5 trigram table (migration 0005; words of 3+
/// characters, all of them in one MATCH with AND), its two-character pairs (0006) or, for one character, a test per row;
/// PostgreSQL's pg_trgm GIN index serves each LIKE and combines them.
/// </summary>
internal sealed class CrateSearchSql
{
    // From this many matches on, walking crates in ranking order finds a page sooner than sorting every match
    // (see bench/README.md, "Search"); below it, sorting the matches is cheaper.
    private const int RankedWalkThreshold = 2000;

    private const string Columns = "c.name AS Name, c.description AS Description, c.max_version AS MaxVersion, c.downloads AS Downloads, c.updated_at AS UpdatedAt";

    private const string VisibleCrate = "c.max_version IS NOT NULL";

    private readonly DatabaseProvider _provider;
    private readonly SearchQuery _query;
    private readonly DynamicParameters _parameters = new();
    private readonly string _textMatch;
    private readonly string? _rowMatch;
    private readonly string? _fastCount;
    private readonly string _where;
    private readonly string? _exactEnd;
    private readonly string _nameMatch;

    public CrateSearchSql(DatabaseProvider provider, SearchQuery query)
    {
        _provider = provider;
        _query = query;
        var exact = query.ExactName;
        _parameters.Add("exact", exact);
        _parameters.Add("prefix", LikePattern.StartsWith(exact));
        _exactEnd = NextPrefix(exact);
        _parameters.Add("exactEnd", _exactEnd);

        var parts = new List<string>();
        var rowParts = new List<string>();
        var nameParts = new List<string>();
        var longWords = new List<string>();
        for (var i = 0; i < query.Words.Count; i++)
        {
            var word = query.Words[i];
            _parameters.Add($"w{i}", word);
            rowParts.Add($"instr(c.search_text, @w{i}) > 0");
            nameParts.Add(provider == DatabaseProvider.Postgres ? $"strpos(c.canonical_name, @w{i}) > 0" : $"instr(c.canonical_name, @w{i}) > 0");
            if (provider == DatabaseProvider.Postgres)
            {
                _parameters.Add($"p{i}", LikePattern.Contains(word));
                parts.Add($"c.search_text LIKE @p{i} ESCAPE '\\'");
                continue;
            }
            var runes = word.EnumerateRunes().Count();
            if (runes >= 3) longWords.Add(word);
            else if (runes == 2) parts.Add($"c.id IN (SELECT crate_id FROM crate_search_pairs WHERE pair = @w{i})");
            else parts.Add($"instr(c.search_text, @w{i}) > 0");
        }
        if (longWords.Count > 0)
        {
            // Each word one FTS5 phrase (quotes doubled): for 3+ characters a phrase of the trigram table is exactly
            // "contains this substring" (https://sqlite.org/fts5.html#the_trigram_tokenizer).
            _parameters.Add("fts", string.Join(" AND ", longWords.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")));
            parts.Insert(0, "c.id IN (SELECT rowid FROM crates_search WHERE crates_search MATCH @fts)");
        }
        _textMatch = parts.Count == 0 ? "1 = 1" : string.Join(" AND ", parts);
        _nameMatch = nameParts.Count == 0 ? "1 = 0" : string.Join(" AND ", nameParts);
        _rowMatch = provider == DatabaseProvider.Sqlite && rowParts.Count > 0 ? string.Join(" AND ", rowParts) : null;

        var conditions = new List<string>();
        if (query.HasText) conditions.Add($"(({_textMatch}) OR c.canonical_name = @exact)");
        if (query.Keyword is { } keyword)
        {
            _parameters.Add("keyword", keyword);
            conditions.Add("c.id IN (SELECT crate_id FROM crate_keywords WHERE keyword = @keyword)");
        }
        if (query.Category is { } category)
        {
            // A category page lists its subcategories' crates too (web-programming holds web-programming::http-client).
            _parameters.Add("category", category);
            _parameters.Add("subcategories", LikePattern.StartsWith(category + "::"));
            conditions.Add("c.id IN (SELECT crate_id FROM crate_categories WHERE category = @category OR category LIKE @subcategories ESCAPE '\\')");
        }
        if (query.Organization is { } org)
        {
            _parameters.Add("org", org);
            conditions.Add("""
                (c.id IN (SELECT o.crate_id FROM crate_org_owners o JOIN organizations g ON g.id = o.org_id WHERE g.name_canonical = @org)
                 OR c.id IN (SELECT t.crate_id FROM crate_team_owners t JOIN teams m ON m.id = t.team_id JOIN organizations g ON g.id = m.org_id WHERE g.name_canonical = @org))
                """);
        }
        if (query.HasAdvisories) conditions.Add("c.canonical_name IN (SELECT package_canonical FROM advisories WHERE withdrawn_on IS NULL)");
        // A crate whose every version is held for approval has no max_version and is not found (docs/security.md "Approval hold").
        conditions.Add(VisibleCrate);
        _where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

        // SQLite, no filters, one kind of index for every word: the matches are counted from the index alone.
        if (provider == DatabaseProvider.Sqlite && !query.HasFilters && query.HasText)
        {
            string? matches = null;
            if (longWords.Count == query.Words.Count) matches = "SELECT rowid FROM crates_search WHERE crates_search MATCH @fts";
            else if (query.Words.Count == 1 && parts.Count == 1 && longWords.Count == 0 && query.Words[0].EnumerateRunes().Count() == 2)
                matches = "SELECT crate_id FROM crate_search_pairs WHERE pair = @w0";
            if (matches is not null)
            {
                _fastCount = $"""
                    SELECT (SELECT count(*) FROM ({matches}) m)
                         + (SELECT count(*) FROM crates WHERE canonical_name = @exact AND id NOT IN ({matches}))
                    """;
            }
        }
    }

    public async Task<CrateSearchPage> RunAsync(DbConnection connection, CrateSort sort, int offset, int limit, CancellationToken cancellationToken)
    {
        offset = Math.Max(offset, 0);
        limit = Math.Max(limit, 0);
        if (sort == CrateSort.Relevance && !_query.HasText) sort = CrateSort.Downloads;
        var byName = _provider == DatabaseProvider.Postgres ? "c.name COLLATE \"C\"" : "c.name";
        var order = sort switch
        {
            CrateSort.Downloads => $"c.downloads DESC, {byName}",
            CrateSort.RecentlyUpdated => $"c.updated_at DESC, {byName}",
            CrateSort.Name => _provider == DatabaseProvider.Postgres ? "c.canonical_name COLLATE \"C\", c.name COLLATE \"C\"" : "c.canonical_name, c.name",
            _ => $"""
                  CASE WHEN c.canonical_name = @exact THEN 0
                       WHEN c.canonical_name LIKE @prefix ESCAPE '\' THEN 1
                       WHEN {_nameMatch} THEN 2
                       ELSE 3 END,
                  c.recent_downloads DESC, c.downloads DESC, {byName}
                  """,
        };

        if (_provider == DatabaseProvider.Sqlite)
        {
            var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                _fastCount ?? $"SELECT count(*) FROM crates c {_where}", _parameters, cancellationToken: cancellationToken));
            if (sort == CrateSort.Relevance && !_query.HasFilters && total >= RankedWalkThreshold && _rowMatch is not null && _exactEnd is not null)
                // The walk reads by its own indexes; a held crate is left out here (the count from the index may include it).
                return new CrateSearchPage([.. (await WalkAsync(connection, total, offset, limit, cancellationToken)).Where(h => h.MaxVersion is not null)], total);
            var rows = await QueryAsync(connection, $"SELECT {Columns} FROM crates c {_where} ORDER BY {order} LIMIT {limit} OFFSET {offset}", cancellationToken);
            return new CrateSearchPage(rows, total);
        }

        // PostgreSQL: the window count gives the total in the same pass (a second count(*) query doubled the cost).
        var page = (await connection.QueryAsync<SearchHitRow>(new CommandDefinition(
            $"SELECT {Columns}, count(*) OVER () AS Total FROM crates c {_where} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            _parameters, cancellationToken: cancellationToken))).ToList();
        // A page past the last match has no row to carry the total: count separately (rare).
        var count = page.Count > 0 ? page[0].Total : await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT count(*) FROM crates c {_where}", _parameters, cancellationToken: cancellationToken));
        return new CrateSearchPage(page.Select(r => r.ToRecord()).ToList(), count);
    }

    /// <summary>
    /// SQLite, many matches, ranked by relevance: the same order as the ORDER BY above, read in its four groups. The exact
    /// name by its unique index; the names starting with the query by a range of that index; the other names holding every
    /// word from the matches (collected through the indexes, then tested); the rest by walking crates in ranking order
    /// (ix_crates_recent_name) and testing each row, which for an early page reads a few rows instead of collecting
    /// every match. Deep pages collect the matches through the indexes instead.
    /// </summary>
    private async Task<List<CrateSearchHit>> WalkAsync(DbConnection connection, long total, int offset, int limit, CancellationToken cancellationToken)
    {
        const string inPrefix = "c.canonical_name >= @exact AND c.canonical_name < @exactEnd";
        var inName = $"({_textMatch}) AND {_nameMatch} AND NOT ({inPrefix})";
        var counts = await connection.QuerySingleAsync<(long Exact, long Prefix, long Name)>(new CommandDefinition(
            $"""
            SELECT (SELECT count(*) FROM crates WHERE canonical_name = @exact),
                   (SELECT count(*) FROM crates c WHERE {inPrefix} AND c.canonical_name <> @exact AND {_rowMatch}),
                   (SELECT count(*) FROM crates c WHERE {inName})
            """, _parameters, cancellationToken: cancellationToken));
        var restCount = total - counts.Exact - counts.Prefix - counts.Name;

        var hits = new List<CrateSearchHit>();
        long start = 0;
        async Task SegmentAsync(long size, Func<long, long, Task<List<CrateSearchHit>>> read)
        {
            var from = Math.Max(offset, start);
            var to = Math.Min((long)offset + limit, start + size);
            if (to > from) hits.AddRange(await read(from - start, to - from));
            start += size;
        }
        const string ranking = "ORDER BY c.recent_downloads DESC, c.downloads DESC, c.name";
        await SegmentAsync(counts.Exact, (o, l) => QueryAsync(connection, $"SELECT {Columns} FROM crates c WHERE c.canonical_name = @exact", cancellationToken));
        await SegmentAsync(counts.Prefix, (o, l) => QueryAsync(connection,
            $"SELECT {Columns} FROM crates c WHERE {inPrefix} AND c.canonical_name <> @exact AND {_rowMatch} {ranking} LIMIT {l} OFFSET {o}", cancellationToken));
        await SegmentAsync(counts.Name, (o, l) => QueryAsync(connection,
            $"SELECT {Columns} FROM crates c WHERE {inName} {ranking} LIMIT {l} OFFSET {o}", cancellationToken));
        await SegmentAsync(restCount, (o, l) =>
        {
            // A walk to a page within the first twentieth of the matches reads about a twentieth of all crates.
            var walk = o + l <= restCount / 20;
            var match = walk ? _rowMatch : $"({_textMatch})";
            return QueryAsync(connection,
                $"""
                SELECT {Columns} FROM crates c {(walk ? "INDEXED BY ix_crates_recent_name" : "")}
                WHERE {match} AND NOT {_nameMatch} AND NOT ({inPrefix})
                {ranking} LIMIT {l} OFFSET {o}
                """, cancellationToken);
        });
        return hits;
    }

    private async Task<List<CrateSearchHit>> QueryAsync(DbConnection connection, string sql, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<SearchHitRow>(new CommandDefinition(sql, _parameters, cancellationToken: cancellationToken)))
            .Select(r => r.ToRecord()).ToList();

    /// <summary>
    /// The smallest string above every string starting with <paramref name="prefix"/> in SQLite's byte order (UTF-8 keeps
    /// code point order), or null when the last character cannot simply be incremented (a surrogate, the end of the BMP).
    /// </summary>
    private static string? NextPrefix(string prefix)
    {
        if (prefix.Length == 0) return null;
        var last = prefix[^1];
        if (char.IsSurrogate(last) || last >= '\uD7FF') return null;
        return prefix[..^1] + (char)(last + 1);
    }
}
