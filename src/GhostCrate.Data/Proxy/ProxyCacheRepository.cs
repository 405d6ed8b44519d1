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

    private const string SaveIndexFileSql =
        """
        INSERT INTO proxy_index_files (upstream, crate_name, content, size, etag, last_modified, fetched_at, upstream_etag, upstream_last_modified)
        VALUES (@UpstreamName, @CrateName, @Content, @Size, @ETag, @LastModified, @FetchedAt, @UpstreamETag, @UpstreamLastModified)
        ON CONFLICT (upstream, crate_name) DO UPDATE SET
            content = excluded.content, size = excluded.size, etag = excluded.etag, last_modified = excluded.last_modified,
            fetched_at = excluded.fetched_at, upstream_etag = excluded.upstream_etag, upstream_last_modified = excluded.upstream_last_modified
        """;

    private const string RecordCrateFileSql =
        """
        INSERT INTO proxy_crate_files (upstream, crate_name, version, size, checksum, stored_at)
        VALUES (@Upstream, @CrateName, @Version, @Size, @Checksum, @StoredAt)
        ON CONFLICT (upstream, crate_name, version) DO NOTHING
        """;

    public Task SaveIndexFileAsync(CachedIndexFile file, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            SaveIndexFileSql, IndexFileParameters(file), transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task SaveBatchAsync(IReadOnlyList<CachedIndexFile> indexFiles, IReadOnlyList<CachedCrateRecord> crateFiles, CancellationToken cancellationToken)
    {
        if (indexFiles.Count == 0 && crateFiles.Count == 0) return Task.CompletedTask;
        // Rows in key order: two nodes writing overlapping batches on PostgreSQL then lock them in the same order
        // and queue instead of deadlocking.
        var files = indexFiles.OrderBy(f => f.UpstreamName, StringComparer.Ordinal).ThenBy(f => f.CrateName, StringComparer.Ordinal).Select(IndexFileParameters).ToArray();
        var crates = crateFiles.OrderBy(c => c.Upstream, StringComparer.Ordinal).ThenBy(c => c.CrateName, StringComparer.Ordinal).ThenBy(c => c.Version, StringComparer.Ordinal)
            .Select(c => new { c.Upstream, c.CrateName, c.Version, c.Size, c.Checksum, StoredAt = UnixTime.ToMs(c.StoredAt) }).ToArray();
        return factory.WriteAsync(async (connection, transaction) =>
        {
            // Dapper runs the statement once per element of the array, all inside this one transaction.
            if (files.Length > 0) await connection.ExecuteAsync(new CommandDefinition(SaveIndexFileSql, files, transaction, cancellationToken: cancellationToken));
            if (crates.Length > 0) await connection.ExecuteAsync(new CommandDefinition(RecordCrateFileSql, crates, transaction, cancellationToken: cancellationToken));
            return 0;
        }, cancellationToken);
    }

    private static object IndexFileParameters(CachedIndexFile file) => new
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
    };

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
            RecordCrateFileSql,
            new { Upstream = upstream, CrateName = crateName, Version = version, Size = size, Checksum = checksum, StoredAt = UnixTime.ToMs(storedAt) },
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
