using Dapper;
using GhostCrate.Core.Options;
using GhostCrate.Core.Search;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Search;

internal sealed class CrateTagCatalog(IDbConnectionFactory factory) : ICrateTagCatalog
{
    public Task<IReadOnlyDictionary<string, long>> CountByCategoryAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyDictionary<string, long>>(async connection =>
        {
            var rows = await connection.QueryAsync<TagRow>(new CommandDefinition(
                "SELECT category AS Tag, count(*) AS Crates FROM crate_categories GROUP BY category", cancellationToken: cancellationToken));
            return rows.ToDictionary(r => r.Tag, r => r.Crates, StringComparer.Ordinal);
        }, cancellationToken);

    public Task<IReadOnlyList<TagCount>> TopKeywordsAsync(int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<TagCount>>(async connection =>
        {
            var byKeyword = factory.Provider == DatabaseProvider.Postgres ? "keyword COLLATE \"C\"" : "keyword";
            var rows = await connection.QueryAsync<TagRow>(new CommandDefinition(
                $"SELECT keyword AS Tag, count(*) AS Crates FROM crate_keywords GROUP BY keyword ORDER BY count(*) DESC, {byKeyword} LIMIT @limit",
                new { limit = Math.Max(limit, 0) }, cancellationToken: cancellationToken));
            return rows.Select(r => new TagCount(r.Tag, r.Crates)).ToList();
        }, cancellationToken);

    private sealed class TagRow
    {
        public string Tag { get; set; } = "";
        public long Crates { get; set; }
    }
}
