using Dapper;
using GhostCrate.Core.Crates;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Crates;

internal sealed class CrateRepository(IDbConnectionFactory factory) : ICrateRepository
{
    private readonly CratePublisher _publisher = new(factory);

    public Task<CrateRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<CrateRow>(new CommandDefinition(
                $"SELECT {CrateRow.Columns} FROM crates WHERE canonical_name = @canonicalName",
                new { canonicalName }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<VersionRecord>>(async connection =>
        {
            // Ids are handed out in commit order per crate (publishers of a crate are serialised), so id = publish order.
            var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(
                $"SELECT {VersionRow.Columns} FROM versions v WHERE v.crate_id = @crateId AND v.held = 0 ORDER BY v.id",
                new { crateId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task<VersionRecord?> FindVersionAsync(string canonicalName, string version, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<VersionRow>(new CommandDefinition(
                $"""
                SELECT {VersionRow.Columns}
                FROM versions v JOIN crates c ON c.id = v.crate_id
                WHERE c.canonical_name = @canonicalName AND v.num = @version AND v.held = 0
                """,
                new { canonicalName, version }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<PublishWriteResult> PublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(version, storeBlob, cancellationToken);

    public Task<bool> SetYankedAsync(string canonicalName, string version, bool yanked, DateTimeOffset now, CancellationToken cancellationToken, string? message = null) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // Lock the crate first, like publish does, so yank and publish of one crate take turns (and always in the
            // same order: crate row, then version rows).
            var crateId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                $"SELECT id FROM crates WHERE canonical_name = @canonicalName{factory.LockRowsSuffix}",
                new { canonicalName }, transaction, cancellationToken: cancellationToken));
            if (crateId is null) return false;
            var wasYanked = await Notifications.EventOutbox.IsYankedAsync(connection, transaction, crateId.Value, version, cancellationToken);
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE versions SET yanked = @yanked, yank_message = @message WHERE crate_id = @crateId AND num = @version AND held = 0",
                new { yanked = yanked ? 1 : 0, message = yanked ? message : null, crateId, version }, transaction, cancellationToken: cancellationToken));
            if (changed == 0) return false;
            // Yanking a yanked version changes nothing, so it tells nobody anything.
            if (wasYanked != yanked)
                await Notifications.EventOutbox.CrateYankAsync(factory, connection, transaction, crateId.Value, version, yanked, message, now, cancellationToken);
            var maxVersion = await CrateStateSql.ComputeMaxVersionAsync(connection, transaction, crateId.Value, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crates SET max_version = @maxVersion, updated_at = @now WHERE id = @crateId",
                new { maxVersion, now = UnixTime.ToMs(now), crateId }, transaction, cancellationToken: cancellationToken));
            await Index.IndexFileWriter.WriteAsync(factory, connection, transaction, crateId.Value, now, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<IndexSource?> GetIndexSourceAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // One statement, so the lines and updated_at (the index file's validator) come from the same snapshot.
            var rows = (await connection.QueryAsync<IndexSourceRow>(new CommandDefinition(
                """
                SELECT c.name AS Name, c.updated_at AS UpdatedAt, v.index_json AS IndexJson, v.yanked AS Yanked
                FROM crates c LEFT JOIN versions v ON v.crate_id = c.id AND v.held = 0
                WHERE c.canonical_name = @canonicalName
                ORDER BY v.id
                """,
                new { canonicalName }, cancellationToken: cancellationToken))).ToList();
            if (rows.Count == 0) return null;
            var lines = rows
                .Where(r => r.IndexJson is not null)
                .Select(r => new IndexSourceLine(r.IndexJson!, r.Yanked is not (null or 0)))
                .ToList();
            return new IndexSource(rows[0].Name, UnixTime.FromMs(rows[0].UpdatedAt), lines);
        }, cancellationToken);

    public Task<CrateSearchPage> SearchAsync(string query, int offset, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => new Search.CrateSearchSql(factory.Provider, Core.Search.SearchQuery.Parse(query))
            .RunAsync(connection, Core.Catalog.CrateSort.Relevance, offset, limit, cancellationToken), cancellationToken);

    public Task IncrementDownloadsAsync(long versionId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // Crate row before version row: the same lock order as publish and yank, so they cannot deadlock.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crates SET downloads = downloads + 1 WHERE id = (SELECT crate_id FROM versions WHERE id = @versionId)",
                new { versionId }, transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE versions SET downloads = downloads + 1 WHERE id = @versionId",
                new { versionId }, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);

    public Task<DownloadTarget?> FindDownloadAsync(string canonicalName, string version, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<DownloadTargetRow>(new CommandDefinition(
                """
                SELECT v.id AS VersionId, c.name AS CrateName, v.num AS Version, v.checksum AS Checksum, v.size AS Size
                FROM versions v JOIN crates c ON c.id = v.crate_id
                WHERE c.canonical_name = @canonicalName AND v.num = @version AND v.held = 0
                """,
                new { canonicalName, version }, cancellationToken: cancellationToken));
            return row is null ? null : new DownloadTarget(row.VersionId, row.CrateName, row.Version, row.Checksum, row.Size);
        }, cancellationToken);

    public Task AddDownloadsAsync(IReadOnlyList<DownloadCount> counts, CancellationToken cancellationToken) =>
        counts.Count == 0 ? Task.CompletedTask : factory.WriteAsync(async (connection, transaction) =>
        {
            // One transaction for a whole batch; crate rows before version rows (the lock order of publish and yank).
            var args = counts.Select(c => new { versionId = c.VersionId, count = c.Count }).ToList();
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE crates SET downloads = downloads + @count WHERE id = (SELECT crate_id FROM versions WHERE id = @versionId)",
                args, transaction, cancellationToken: cancellationToken));
            return await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE versions SET downloads = downloads + @count WHERE id = @versionId",
                args, transaction, cancellationToken: cancellationToken));
        }, cancellationToken);

    public Task<long> CountCratesAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM crates", cancellationToken: cancellationToken)), cancellationToken);
}
