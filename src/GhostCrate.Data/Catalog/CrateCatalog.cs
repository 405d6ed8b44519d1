using Dapper;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Crates;
using GhostCrate.Data.Search;
using GhostCrate.Core.Search;

namespace GhostCrate.Data.Catalog;

internal sealed class CrateCatalog(IDbConnectionFactory factory) : ICrateCatalog
{
    private const string HitColumns =
        "c.name AS Name, c.description AS Description, c.max_version AS MaxVersion, c.downloads AS Downloads, c.updated_at AS UpdatedAt";

    // Byte order on both providers: PostgreSQL's default collation may ignore '-' and '_', SQLite's BINARY does not.
    private string ByName => factory.Provider == DatabaseProvider.Postgres ? "c.canonical_name COLLATE \"C\"" : "c.canonical_name";

    public Task<RegistryCounts> CountAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // One statement, one snapshot: the three numbers agree with each other.
            var row = await connection.QuerySingleAsync<CountsRow>(new CommandDefinition(
                """
                SELECT (SELECT count(*) FROM crates WHERE max_version IS NOT NULL) AS Crates,
                       (SELECT count(*) FROM versions WHERE held = 0) AS Versions,
                       (SELECT CAST(coalesce(sum(downloads), 0) AS bigint) FROM crates) AS Downloads,
                       (SELECT CAST(coalesce(sum(size), 0) AS bigint) FROM versions WHERE held = 0) AS CrateFileBytes
                """, cancellationToken: cancellationToken));
            return new RegistryCounts(row.Crates, row.Versions, row.Downloads, row.CrateFileBytes);
        }, cancellationToken);

    public Task<CrateSearchPage> SearchAsync(SearchQuery query, CrateSort sort, int offset, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => new CrateSearchSql(factory.Provider, query).RunAsync(connection, sort, offset, limit, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<VersionSummary>> ListVersionSummariesAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<VersionSummary>>(async connection =>
        {
            var rows = await connection.QueryAsync<VersionSummaryRow>(new CommandDefinition(
                """
                SELECT v.id AS Id, v.num AS Version, v.yanked AS Yanked, v.downloads AS Downloads, v.size AS Size,
                       v.license AS License, v.created_at AS CreatedAt, u.username AS PublishedBy
                FROM versions v LEFT JOIN users u ON u.id = v.published_by
                WHERE v.crate_id = @crateId AND v.held = 0
                ORDER BY v.id
                """,
                new { crateId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> CountDependentsAsync(IReadOnlyCollection<string> canonicalNames, bool onThisRegistry, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyDictionary<string, int>>(async connection =>
        {
            if (canonicalNames.Count == 0) return new Dictionary<string, int>(StringComparer.Ordinal);
            // Dependency rows keep the spelling of the dependent's Cargo.toml, which names a crate as it was published
            // ("SmallVec" for smallvec): ask for each spelling, the published names included (exact matches keep the
            // crate_name index usable), and fold them together here. Latest non-yanked versions only, as for the
            // reverse dependencies.
            var published = await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT name FROM crates WHERE canonical_name {factory.InList("names")}",
                new { names = canonicalNames.ToArray() }, cancellationToken: cancellationToken));
            var spellings = canonicalNames.SelectMany(n => new[] { n, n.Replace('-', '_') }).Concat(published).Distinct(StringComparer.Ordinal).ToArray();
            var registry = onThisRegistry ? "d.registry IS NULL" : "d.registry IS NOT NULL";
            var rows = await connection.QueryAsync<(string Dependency, long CrateId, string Dependent)>(new CommandDefinition(
                $"""
                SELECT DISTINCT d.crate_name, c.id, c.canonical_name
                FROM crates c
                JOIN versions v ON v.crate_id = c.id AND v.num = c.max_version AND v.yanked = 0
                JOIN version_dependencies d ON d.version_id = v.id
                WHERE d.crate_name {factory.InList("names")} AND {registry}
                """,
                new { names = spellings }, cancellationToken: cancellationToken));
            return rows
                .Select(r => (Name: GhostCrate.Protocol.Crates.CrateName.Canonicalize(r.Dependency), r.CrateId, r.Dependent))
                .Where(r => !onThisRegistry || r.Name != r.Dependent)
                .GroupBy(r => r.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(r => r.CrateId).Distinct().Count(), StringComparer.Ordinal);
        }, cancellationToken);

    public Task<ReverseDependencyPage> ListReverseDependenciesAsync(IReadOnlyList<string> dependencyNames, long excludeCrateId, int offset, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            if (dependencyNames.Count == 0) return new ReverseDependencyPage([], 0);
            // Only each dependent's latest version counts (as on crates.io): an old release that once depended on
            // the crate does not make a dependent, nor does a crate whose every version is yanked. registry IS NULL: a dependency on this registry, not a namesake
            // on crates.io.
            var from = $"""
                FROM crates c
                JOIN versions v ON v.crate_id = c.id AND v.num = c.max_version AND v.yanked = 0
                JOIN version_dependencies d ON d.version_id = v.id
                WHERE d.crate_name {factory.InList("names")} AND d.registry IS NULL AND c.id <> @exclude
                """;
            var parameters = new { names = dependencyNames.ToArray(), exclude = excludeCrateId, limit = Math.Max(limit, 0), offset = Math.Max(offset, 0) };
            var rows = await connection.QueryAsync<ReverseDependencyRow>(new CommandDefinition(
                $"""
                SELECT c.name AS Name, c.max_version AS MaxVersion, c.description AS Description, c.downloads AS Downloads,
                       MIN(d.req) AS Req,
                       MIN(CASE d.kind WHEN 'normal' THEN 0 WHEN 'build' THEN 1 ELSE 2 END) AS KindRank,
                       MIN(d.optional) AS Optional
                {from}
                GROUP BY c.id, c.name, c.canonical_name, c.max_version, c.description, c.downloads
                ORDER BY c.downloads DESC, {ByName}
                LIMIT @limit OFFSET @offset
                """,
                parameters, cancellationToken: cancellationToken));
            var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT count(DISTINCT c.id) {from}", parameters, cancellationToken: cancellationToken));
            return new ReverseDependencyPage(rows.Select(r => r.ToRecord()).ToList(), total);
        }, cancellationToken);

    public Task<IReadOnlyList<CrateSearchHit>> ListOwnedByOrganizationAsync(long orgId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<CrateSearchHit>>(async connection =>
        {
            var rows = await connection.QueryAsync<SearchHitRow>(new CommandDefinition(
                $"""
                SELECT {HitColumns} FROM crates c
                WHERE c.id IN (SELECT crate_id FROM crate_org_owners WHERE org_id = @orgId)
                   OR c.id IN (SELECT o.crate_id FROM crate_team_owners o JOIN teams t ON t.id = o.team_id WHERE t.org_id = @orgId)
                ORDER BY {ByName}
                """,
                new { orgId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<CrateSearchHit>> ListOwnedByAsync(long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<CrateSearchHit>>(async connection =>
        {
            var rows = await connection.QueryAsync<SearchHitRow>(new CommandDefinition(
                $"SELECT {HitColumns} FROM crate_owners o JOIN crates c ON c.id = o.crate_id WHERE o.user_id = @userId ORDER BY {ByName}",
                new { userId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);
}
