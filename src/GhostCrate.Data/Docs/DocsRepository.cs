using Dapper;
using GhostCrate.Core.Docs;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Docs;

internal sealed class DocsRepository(IDbConnectionFactory factory) : IDocsRepository
{
    private const string Columns =
        "version_id AS VersionId, generation AS Generation, CAST(files AS BIGINT) AS Files, bytes AS Bytes, source AS Source, updated_at AS UpdatedAt, " +
        "updated_by AS UpdatedBy, build_status AS BuildStatus, build_log AS BuildLog, build_updated_at AS BuildUpdatedAt, build_toolchain AS BuildToolchain";

    public Task<VersionDocs?> FindAsync(long versionId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM version_docs WHERE version_id = @versionId", new { versionId }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<IReadOnlyList<VersionDocs>> ListForCrateAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<VersionDocs>>(async connection =>
            [.. (await connection.QueryAsync<Row>(new CommandDefinition(
                $"SELECT {Columns} FROM version_docs WHERE version_id IN (SELECT id FROM versions WHERE crate_id = @crateId)",
                new { crateId }, cancellationToken: cancellationToken))).Select(r => r.ToRecord())], cancellationToken);

    public Task<string?> SwapAsync(long versionId, DocsGeneration generation, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // The row exists first, then is locked (PostgreSQL: FOR UPDATE; SQLite's write transaction locks the
            // database): two swaps of one version take turns, and each learns exactly the generation it replaced.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO version_docs (version_id) VALUES (@versionId) ON CONFLICT (version_id) DO NOTHING",
                new { versionId }, transaction, cancellationToken: cancellationToken));
            var previous = await connection.QuerySingleAsync<string?>(new CommandDefinition(
                $"SELECT generation FROM version_docs WHERE version_id = @versionId{factory.LockRowsSuffix}",
                new { versionId }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE version_docs SET generation = @id, files = @files, bytes = @bytes, source = @source, updated_at = @at, updated_by = @user
                WHERE version_id = @versionId
                """,
                new { versionId, id = generation.Id, files = generation.Files, bytes = generation.Bytes, source = generation.Source, at = UnixTime.ToMs(generation.At), user = generation.UserId },
                transaction, cancellationToken: cancellationToken));
            return previous;
        }, cancellationToken);

    public Task<bool> TryQueueBuildAsync(long versionId, bool rebuild, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO version_docs (version_id) VALUES (@versionId) ON CONFLICT (version_id) DO NOTHING",
                new { versionId }, transaction, cancellationToken: cancellationToken));
            // One conditional UPDATE is the compare-and-set: of two nodes (or a fan-out and a rebuild) only the one
            // that still sees the old state changes the row.
            var condition = rebuild
                ? "(build_status IS NULL OR build_status IN ('built', 'failed') OR build_updated_at < @stale)"
                : "((build_status IS NULL AND generation IS NULL) OR build_status = 'queued')";
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE version_docs SET build_status = 'queued', build_log = NULL, build_updated_at = @now WHERE version_id = @versionId AND {condition}",
                new { versionId, now = UnixTime.ToMs(now), stale = UnixTime.ToMs(staleBefore) }, transaction, cancellationToken: cancellationToken));
            return changed == 1;
        }, cancellationToken);

    public Task<bool> TryStartBuildAsync(long versionId, string toolchain, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE version_docs SET build_status = 'building', build_toolchain = @toolchain, build_log = NULL, build_updated_at = @now
            WHERE version_id = @versionId AND build_status IN ('queued', 'building')
            """,
            new { versionId, toolchain, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) == 1, cancellationToken);

    public Task<IReadOnlyList<DocsBuildTarget>> ListBuiltAsync(string? otherThanToolchain, long afterVersionId, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<DocsBuildTarget>>(async connection =>
            [.. await connection.QueryAsync<DocsBuildTarget>(new CommandDefinition(
                """
                SELECT d.version_id AS VersionId, c.name AS Crate, c.canonical_name AS CanonicalName, v.num AS Version
                FROM version_docs d JOIN versions v ON v.id = d.version_id JOIN crates c ON c.id = v.crate_id
                WHERE d.build_status IN ('built', 'failed') AND (d.generation IS NULL OR d.source = 'build')
                  AND (@toolchain IS NULL OR d.build_toolchain IS NULL OR d.build_toolchain <> @toolchain)
                  AND d.version_id > @after
                ORDER BY d.version_id
                LIMIT @limit
                """,
                new { toolchain = otherThanToolchain, after = afterVersionId, limit }, cancellationToken: cancellationToken))], cancellationToken);

    public Task FinishBuildAsync(long versionId, DocsBuildStatus status, string log, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE version_docs SET build_status = @status, build_log = @log, build_updated_at = @now WHERE version_id = @versionId",
            new { versionId, status = status.ToString().ToLowerInvariant(), log, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    private sealed record Row(long VersionId, string? Generation, long Files, long Bytes, string? Source, long? UpdatedAt, long? UpdatedBy, string? BuildStatus, string? BuildLog, long? BuildUpdatedAt, string? BuildToolchain)
    {
        public VersionDocs ToRecord() => new(VersionId, Generation, (int)Files, Bytes, Source, UnixTime.FromMs(UpdatedAt), UpdatedBy,
            BuildStatus is null ? null : Enum.Parse<DocsBuildStatus>(BuildStatus, ignoreCase: true), BuildLog, UnixTime.FromMs(BuildUpdatedAt), BuildToolchain);
    }
}
