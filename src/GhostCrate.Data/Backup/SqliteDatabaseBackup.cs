using Dapper;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Options;
using GhostCrate.Data.Connections;
using Microsoft.Data.Sqlite;

namespace GhostCrate.Data.Backup;

/// <summary>
/// The configured database's side of backup and restore. SQLite: `VACUUM INTO` writes a consistent copy from one read
/// transaction (https://www.sqlite.org/lang_vacuum.html#vacuuminto); with WAL, writers carry on meanwhile and no write
/// lock is taken. PostgreSQL has its own (<see cref="PostgresDatabaseBackup"/>); both write the same snapshot format.
/// </summary>
internal sealed class SqliteDatabaseBackup(IDbConnectionFactory factory, DatabaseOptions options) : IDatabaseBackup
{
    public const string Format = "sqlite";

    public async Task<DatabaseSnapshot> SnapshotAsync(string folder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, $"snapshot-{Guid.NewGuid():N}.{Format}");
        await factory.ReadAsync(connection =>
            connection.ExecuteAsync(new CommandDefinition("VACUUM INTO @file", new { file }, cancellationToken: cancellationToken)), cancellationToken);
        await SqliteSnapshotFile.PrepareAsync(file, cancellationToken);
        return new DatabaseSnapshot(Format, file);
    }

    public Task<string?> DescribeExistingAsync(CancellationToken cancellationToken)
    {
        var path = TargetFile();
        var info = new FileInfo(path);
        return Task.FromResult(info.Exists && info.Length > 0 ? $"{path} exists ({info.Length} bytes)" : null);
    }

    public async Task InstallAsync(DatabaseSnapshot snapshot, bool replace, CancellationToken cancellationToken)
    {
        if (snapshot.Format != Format) throw new BackupException($"a database snapshot in format '{snapshot.Format}' cannot be restored");
        var target = TargetFile();
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".restore-{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var source = File.OpenRead(snapshot.LocalFile))
            await using (var copy = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await source.CopyToAsync(copy, cancellationToken);
                copy.Flush(flushToDisk: true);
            }
            // The old database's journal files go first: SQLite would replay a leftover -wal into the new file.
            if (replace)
            {
                File.Delete(target + "-wal");
                File.Delete(target + "-shm");
                File.Delete(target + "-journal");
            }
            File.Move(temp, target, overwrite: replace);
            // Pooled connections of this process still hold the replaced file open; the next query must see the new one.
            if (factory is SqliteConnectionFactory sqlite)
            {
                using var pooled = new SqliteConnection(sqlite.ConnectionString);
                SqliteConnection.ClearPool(pooled);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private string TargetFile()
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
            throw new BackupException("the configured SQLite database is not a file");
        return Path.GetFullPath(builder.DataSource);
    }
}
