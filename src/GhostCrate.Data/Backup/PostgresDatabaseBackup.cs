using GhostCrate.Core.Backup;
using GhostCrate.Core.Options;
using GhostCrate.Data.Migrations;
using Npgsql;

namespace GhostCrate.Data.Backup;

/// <summary>
/// PostgreSQL's side of backup and restore. The snapshot is an in-process export of one REPEATABLE READ transaction
/// into a SQLite file in GhostCrate's SQLite schema (<see cref="PostgresSnapshotExport"/>), not a `pg_dump` archive:
/// the same backup then restores onto SQLite or PostgreSQL, `verify --deep` needs no database server, and no client
/// binary has to match the server's major version. docs/backup-and-restore.md says why in full.
/// </summary>
internal sealed class PostgresDatabaseBackup(DatabaseOptions options, Core.Abstractions.IDatabase schema) : IDatabaseBackup
{
    public async Task<DatabaseSnapshot> SnapshotAsync(string folder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, $"snapshot-{Guid.NewGuid():N}.{SqliteDatabaseBackup.Format}");
        await using var source = NpgsqlDataSource.Create(options.ConnectionString!);
        var expected = MigrationScripts.For(DatabaseProvider.Postgres).Select(s => s.Version).ToList();
        try
        {
            await PostgresSnapshotExport.ExportAsync(source, expected, file, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw new BackupException($"the PostgreSQL snapshot failed: {ex.Message}");
        }
        await SqliteSnapshotFile.PrepareAsync(file, cancellationToken);
        return new DatabaseSnapshot(SqliteDatabaseBackup.Format, file);
    }

    public async Task<string?> DescribeExistingAsync(CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(options.ConnectionString!);
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        return await PostgresSnapshotImport.DescribeRowsAsync(connection, cancellationToken);
    }

    public async Task InstallAsync(DatabaseSnapshot snapshot, bool replace, CancellationToken cancellationToken)
    {
        if (snapshot.Format != SqliteDatabaseBackup.Format) throw new BackupException($"a database snapshot in format '{snapshot.Format}' cannot be restored");
        // Both sides in this GhostCrate's schema first: the snapshot may come from an older version, and the target
        // may be a database nobody has migrated yet.
        await SqliteSnapshotSchema.MigrateAsync(snapshot.LocalFile, cancellationToken);
        await schema.MigrateAsync(cancellationToken);
        await using var target = NpgsqlDataSource.Create(options.ConnectionString!);
        await PostgresSnapshotImport.ImportAsync(target, snapshot.LocalFile, replace, cancellationToken);
    }
}
