using Dapper;
using GhostCrate.Core.Backup;
using Microsoft.Data.Sqlite;

namespace GhostCrate.Data.Backup;

/// <summary>Reads schema, counts and version rows from a SQLite snapshot file, whatever database is configured.</summary>
internal sealed class SqliteSnapshotReader : IBackupSnapshotReader
{
    private const string CountsSql = """
        SELECT (SELECT count(*) FROM crates) AS Crates,
               (SELECT count(*) FROM versions) AS Versions,
               (SELECT count(*) FROM users) AS Users,
               (SELECT count(*) FROM organizations) AS Organizations,
               (SELECT count(*) FROM api_tokens) AS Tokens
        """;

    private const string VersionsSql = """
        SELECT c.name AS Crate, v.num AS Version, v.checksum AS Checksum, v.size AS Size
        FROM versions v JOIN crates c ON c.id = v.crate_id
        ORDER BY v.id
        """;

    // Only rows naming a generation: a row with just a build status has no files.
    private const string DocsSql = """
        SELECT c.name AS Crate, v.num AS Version, d.generation AS Generation, d.files AS Files, d.bytes AS Bytes
        FROM version_docs d JOIN versions v ON v.id = d.version_id JOIN crates c ON c.id = v.crate_id
        WHERE d.generation IS NOT NULL
        ORDER BY d.version_id
        """;

    public Task CheckIntegrityAsync(DatabaseSnapshot snapshot, SnapshotCheck check, CancellationToken cancellationToken) =>
        SqliteSnapshotFile.CheckIntegrityAsync(snapshot.LocalFile, check, cancellationToken);

    public async Task<SnapshotContents> ReadAsync(DatabaseSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Format != SqliteDatabaseBackup.Format) throw new BackupException($"cannot read a database snapshot in format '{snapshot.Format}'");
        try
        {
            await using var connection = SqliteSnapshotFile.Open(snapshot.LocalFile, SqliteOpenMode.ReadOnly);
            await connection.OpenAsync(cancellationToken);
            var migrations = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken)))
                .Select(v => (int)v).ToList();
            var counts = await connection.QuerySingleAsync<CountsRow>(new CommandDefinition(CountsSql, cancellationToken: cancellationToken));
            var versions = (await connection.QueryAsync<VersionRow>(new CommandDefinition(VersionsSql, cancellationToken: cancellationToken)))
                .Select(v => new SnapshotVersion(v.Crate, v.Version, v.Checksum, v.Size)).ToList();
            // A snapshot from before the docs feature (migration 14) has no version_docs table, and so no docs.
            var hasDocs = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'version_docs'", cancellationToken: cancellationToken)) > 0;
            var docs = hasDocs
                ? (await connection.QueryAsync<DocsRow>(new CommandDefinition(DocsSql, cancellationToken: cancellationToken)))
                    .Select(d => new SnapshotDocs(d.Crate, d.Version, d.Generation, checked((int)d.Files), d.Bytes)).ToList()
                : [];
            return new SnapshotContents(migrations, new BackupCounts(counts.Crates, counts.Versions, counts.Users, counts.Organizations, counts.Tokens), versions, docs);
        }
        catch (SqliteException ex)
        {
            throw new BackupException($"the database snapshot cannot be read: {ex.Message}");
        }
    }

    private sealed record CountsRow(long Crates, long Versions, long Users, long Organizations, long Tokens);

    private sealed record VersionRow(string Crate, string Version, string Checksum, long Size);

    // Settable properties, not a positional record: SQLite gives the columns of an empty result no type, which Dapper
    // can only map onto properties.
    private sealed class DocsRow
    {
        public string Crate { get; init; } = "";
        public string Version { get; init; } = "";
        public string Generation { get; init; } = "";
        public long Files { get; init; }
        public long Bytes { get; init; }
    }
}
