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
            return new SnapshotContents(migrations, new BackupCounts(counts.Crates, counts.Versions, counts.Users, counts.Organizations, counts.Tokens), versions);
        }
        catch (SqliteException ex)
        {
            throw new BackupException($"the database snapshot cannot be read: {ex.Message}");
        }
    }

    private sealed record CountsRow(long Crates, long Versions, long Users, long Organizations, long Tokens);

    private sealed record VersionRow(string Crate, string Version, string Checksum, long Size);
}
