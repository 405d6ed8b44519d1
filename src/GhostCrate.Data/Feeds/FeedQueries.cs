using Dapper;
using GhostCrate.Core.Feeds;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Feeds;

/// <summary>
/// The feeds' newest rows. Versions and crates get increasing ids as they are published, so "newest" is a walk down
/// the primary key: no sort, no extra index, whatever the registry's size. Versions held for approval are left out
/// (docs/security.md "Approval hold"), and with them a crate whose every version is held (its max_version is null).
/// </summary>
internal sealed class FeedQueries(IDbConnectionFactory factory) : IFeedQueries
{
    private const string Columns =
        "c.name AS Crate, v.num AS Version, c.description AS Description, v.created_at AS PublishedAt, CAST(v.yanked AS BIGINT) AS Yanked";

    public Task<IReadOnlyList<FeedEntry>> RecentReleasesAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM versions v JOIN crates c ON c.id = v.crate_id WHERE v.held = 0 ORDER BY v.id DESC LIMIT @limit",
            new { limit }, cancellationToken);

    public Task<IReadOnlyList<FeedEntry>> NewCratesAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT {Columns}
            FROM (SELECT id, name, description FROM crates WHERE max_version IS NOT NULL ORDER BY id DESC LIMIT @limit) c
            JOIN versions v ON v.id = (SELECT MIN(first.id) FROM versions first WHERE first.crate_id = c.id AND first.held = 0)
            ORDER BY c.id DESC
            """,
            new { limit }, cancellationToken);

    public Task<IReadOnlyList<FeedEntry>> CrateReleasesAsync(string canonicalName, int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM versions v JOIN crates c ON c.id = v.crate_id WHERE c.canonical_name = @canonicalName AND v.held = 0 ORDER BY v.id DESC LIMIT @limit",
            new { canonicalName, limit }, cancellationToken);

    private Task<IReadOnlyList<FeedEntry>> QueryAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<FeedEntry>>(async connection =>
            [.. (await connection.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)))
                .Select(r => new FeedEntry(r.Crate, r.Version, r.Description, UnixTime.FromMs(r.PublishedAt), r.Yanked != 0))], cancellationToken);

    private sealed record Row(string Crate, string Version, string? Description, long PublishedAt, long Yanked);
}
