using Dapper;
using GhostCrate.Core.Docs;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Docs;

internal sealed class DocsRepository(IDbConnectionFactory factory) : IDocsRepository
{
    private const string Columns =
        "version_id AS VersionId, generation AS Generation, CAST(files AS BIGINT) AS Files, bytes AS Bytes, source AS Source, updated_at AS UpdatedAt, " +
        "updated_by AS UpdatedBy, build_status AS BuildStatus, build_log AS BuildLog, build_updated_at AS BuildUpdatedAt";

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

    private sealed record Row(long VersionId, string? Generation, long Files, long Bytes, string? Source, long? UpdatedAt, long? UpdatedBy, string? BuildStatus, string? BuildLog, long? BuildUpdatedAt)
    {
        public VersionDocs ToRecord() => new(VersionId, Generation, (int)Files, Bytes, Source, UnixTime.FromMs(UpdatedAt), UpdatedBy,
            BuildStatus is null ? null : Enum.Parse<DocsBuildStatus>(BuildStatus, ignoreCase: true), BuildLog, UnixTime.FromMs(BuildUpdatedAt));
    }
}
