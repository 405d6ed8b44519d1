using Dapper;
using GhostCrate.Core.Proxy;
using GhostCrate.Data.Connections;
using GhostCrate.Protocol.Client;

namespace GhostCrate.Data.Proxy;

internal sealed class ProxyCacheRepository(IDbConnectionFactory factory) : IProxyCacheRepository
{
    public Task<CachedIndexFile?> FindIndexFileAsync(string upstream, string crateName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<IndexFileRow>(new CommandDefinition(
                """
                SELECT content AS Content, etag AS ETag, last_modified AS LastModified, fetched_at AS FetchedAt,
                       upstream_etag AS UpstreamETag, upstream_last_modified AS UpstreamLastModified
                FROM proxy_index_files WHERE upstream = @upstream AND crate_name = @crateName
                """,
                new { upstream, crateName }, cancellationToken: cancellationToken));
            return row is null
                ? null
                : new CachedIndexFile(upstream, crateName, row.Content, row.ETag, UnixTime.FromMs(row.LastModified), UnixTime.FromMs(row.FetchedAt),
                    new IndexValidators(row.UpstreamETag, row.UpstreamLastModified));
        }, cancellationToken);

    public Task SaveIndexFileAsync(CachedIndexFile file, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO proxy_index_files (upstream, crate_name, content, size, etag, last_modified, fetched_at, upstream_etag, upstream_last_modified)
            VALUES (@UpstreamName, @CrateName, @Content, @Size, @ETag, @LastModified, @FetchedAt, @UpstreamETag, @UpstreamLastModified)
            ON CONFLICT (upstream, crate_name) DO UPDATE SET
                content = excluded.content, size = excluded.size, etag = excluded.etag, last_modified = excluded.last_modified,
                fetched_at = excluded.fetched_at, upstream_etag = excluded.upstream_etag, upstream_last_modified = excluded.upstream_last_modified
            """,
            new
            {
                file.UpstreamName,
                file.CrateName,
                file.Content,
                Size = (long)file.Content.Length,
                file.ETag,
                LastModified = UnixTime.ToMs(file.LastModified),
                FetchedAt = UnixTime.ToMs(file.FetchedAt),
                UpstreamETag = file.Upstream.ETag,
                UpstreamLastModified = file.Upstream.LastModified,
            }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task TouchIndexFileAsync(string upstream, string crateName, DateTimeOffset fetchedAt, IndexValidators validators, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE proxy_index_files
            SET fetched_at = @fetchedAt,
                upstream_etag = COALESCE(@etag, upstream_etag),
                upstream_last_modified = COALESCE(@lastModified, upstream_last_modified)
            WHERE upstream = @upstream AND crate_name = @crateName
            """,
            new { upstream, crateName, fetchedAt = UnixTime.ToMs(fetchedAt), etag = validators.ETag, lastModified = validators.LastModified },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task DeleteIndexFileAsync(string upstream, string crateName, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM proxy_index_files WHERE upstream = @upstream AND crate_name = @crateName",
            new { upstream, crateName }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task RecordCrateFileAsync(string upstream, string crateName, string version, long size, string checksum, DateTimeOffset storedAt, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO proxy_crate_files (upstream, crate_name, version, size, checksum, stored_at)
            VALUES (@upstream, @crateName, @version, @size, @checksum, @storedAt)
            ON CONFLICT (upstream, crate_name, version) DO NOTHING
            """,
            new { upstream, crateName, version, size, checksum, storedAt = UnixTime.ToMs(storedAt) },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<ProxyCacheUsage> GetUsageAsync(string upstream, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleAsync<UsageRow>(new CommandDefinition(
                """
                SELECT (SELECT count(*) FROM proxy_index_files WHERE upstream = @upstream) AS IndexFiles,
                       (SELECT COALESCE(sum(size), 0) FROM proxy_index_files WHERE upstream = @upstream) AS IndexBytes,
                       (SELECT count(*) FROM proxy_crate_files WHERE upstream = @upstream) AS CrateFiles,
                       (SELECT COALESCE(sum(size), 0) FROM proxy_crate_files WHERE upstream = @upstream) AS CrateBytes
                """,
                new { upstream }, cancellationToken: cancellationToken));
            return new ProxyCacheUsage(row.IndexFiles, row.IndexBytes, row.CrateFiles, row.CrateBytes);
        }, cancellationToken);

    private sealed class IndexFileRow
    {
        public byte[] Content { get; set; } = [];
        public string ETag { get; set; } = "";
        public long LastModified { get; set; }
        public long FetchedAt { get; set; }
        public string? UpstreamETag { get; set; }
        public string? UpstreamLastModified { get; set; }
    }

    private sealed class UsageRow
    {
        public long IndexFiles { get; set; }
        public long IndexBytes { get; set; }
        public long CrateFiles { get; set; }
        public long CrateBytes { get; set; }
    }
}
