using Dapper;
using GhostCrate.Core.Index;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Index;

internal sealed class IndexFileRepository(IDbConnectionFactory factory) : IIndexFileStore
{
    public Task<StoredIndexFile?> FindAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<IndexFileRow>(new CommandDefinition(
                """
                SELECT name AS Name, content AS Content, etag AS ETag, last_modified AS LastModified, seq AS Seq
                FROM index_files WHERE canonical_name = @canonicalName
                """,
                new { canonicalName }, cancellationToken: cancellationToken));
            return row is null ? null : new StoredIndexFile(row.Name, row.Content, row.ETag, UnixTime.FromMs(row.LastModified), row.Seq);
        }, cancellationToken);

    public Task<IReadOnlyList<IndexFileChange>> ListChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<IndexFileChange>>(async connection =>
        {
            // Range scans of ix_index_files_seq and ix_index_file_removals_seq: cheap however large the registry is.
            // Removed files (a deleted crate, Data/Deletion) are changes too: followers drop them the same way.
            var rows = await connection.QueryAsync<IndexChangeRow>(new CommandDefinition(
                """
                SELECT CanonicalName, Seq FROM (
                    SELECT canonical_name AS CanonicalName, seq AS Seq FROM index_files WHERE seq > @afterSeq
                    UNION ALL
                    SELECT canonical_name AS CanonicalName, seq AS Seq FROM index_file_removals WHERE seq > @afterSeq
                ) changes ORDER BY Seq LIMIT @limit
                """,
                new { afterSeq, limit }, cancellationToken: cancellationToken));
            return rows.Select(r => new IndexFileChange(r.CanonicalName, r.Seq)).ToList();
        }, cancellationToken);

    public Task<long> LatestSeqAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT max(s) FROM (SELECT coalesce(max(seq), 0) AS s FROM index_files UNION ALL SELECT coalesce(max(seq), 0) FROM index_file_removals) latest",
            cancellationToken: cancellationToken)), cancellationToken);

    private sealed class IndexFileRow
    {
        public string Name { get; set; } = "";
        public byte[] Content { get; set; } = [];
        public string ETag { get; set; } = "";
        public long LastModified { get; set; }
        public long Seq { get; set; }
    }

    private sealed class IndexChangeRow
    {
        public string CanonicalName { get; set; } = "";
        public long Seq { get; set; }
    }
}
