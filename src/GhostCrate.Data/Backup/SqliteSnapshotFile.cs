using Dapper;
using GhostCrate.Core.Backup;
using Microsoft.Data.Sqlite;

namespace GhostCrate.Data.Backup;

/// <summary>Opens a snapshot file on its own (never pooled, so no handle outlives the call and the file can be moved).</summary>
internal static class SqliteSnapshotFile
{
    public static SqliteConnection Open(string file, SqliteOpenMode mode) =>
        new(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false }.ToString());

    /// <summary>Makes the copy one self-contained file (rollback journal, not WAL, so no -wal/-shm travel with it).</summary>
    public static async Task PrepareAsync(string file, CancellationToken cancellationToken)
    {
        await using var connection = Open(file, SqliteOpenMode.ReadWrite);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = DELETE", cancellationToken: cancellationToken));
    }

    /// <summary>
    /// `PRAGMA quick_check` or `PRAGMA integrity_check` on the copy (https://www.sqlite.org/pragma.html#pragma_quick_check);
    /// a failure is a <see cref="BackupException"/>.
    /// </summary>
    public static async Task CheckIntegrityAsync(string file, SnapshotCheck check, CancellationToken cancellationToken)
    {
        var pragma = check == SnapshotCheck.Full ? "integrity_check" : "quick_check";
        await using var connection = Open(file, SqliteOpenMode.ReadOnly);
        await connection.OpenAsync(cancellationToken);
        List<string> result;
        try
        {
            result = (await connection.QueryAsync<string>(new CommandDefinition($"PRAGMA {pragma}", cancellationToken: cancellationToken))).ToList();
        }
        catch (SqliteException ex)
        {
            // A copy damaged badly enough (its header, the schema) fails the check itself rather than reporting.
            throw new BackupException($"the database snapshot failed PRAGMA {pragma}: {ex.Message}");
        }
        if (result is not ["ok"])
            throw new BackupException($"the database snapshot failed PRAGMA {pragma}: {string.Join("; ", result.Take(5))}");
    }
}
