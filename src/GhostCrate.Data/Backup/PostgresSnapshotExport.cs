using System.Data;
using Dapper;
using GhostCrate.Core.Backup;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GhostCrate.Data.Backup;

/// <summary>
/// Copies a live PostgreSQL database into a SQLite snapshot file from one REPEATABLE READ, READ ONLY transaction: every
/// table is read from the same MVCC snapshot (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-REPEATABLE-READ),
/// so the copy is as consistent as `pg_dump`'s, while publishers carry on (readers never block writers in PostgreSQL)
/// and no lock beyond ACCESS SHARE is taken.
/// </summary>
internal static class PostgresSnapshotExport
{
    public static async Task ExportAsync(NpgsqlDataSource source, IReadOnlyList<int> expectedMigrations, string file, CancellationToken cancellationToken)
    {
        await SqliteSnapshotSchema.MigrateAsync(file, cancellationToken);

        await using var postgres = await source.OpenConnectionAsync(cancellationToken);
        await using var read = await postgres.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await postgres.ExecuteAsync(new CommandDefinition("SET TRANSACTION READ ONLY", transaction: read, cancellationToken: cancellationToken));
        // The schema the snapshot file has must be the schema the rows come from: refuse a database this GhostCrate
        // would misread (older: run `ghostcrate migrate`; newer: use the server's GhostCrate).
        var applied = (await postgres.QueryAsync<long>(new CommandDefinition(
            $"SELECT version FROM {SnapshotTables.Migrations} ORDER BY version", transaction: read, cancellationToken: cancellationToken))).Select(v => (int)v).ToList();
        if (!applied.SequenceEqual(expectedMigrations))
            throw new BackupException($"the PostgreSQL database has migrations [{string.Join(", ", applied)}] but this GhostCrate has [{string.Join(", ", expectedMigrations)}]: " +
                "back up with the same GhostCrate version as the server (after `ghostcrate migrate`)");

        await using var sqlite = SqliteSnapshotFile.Open(file, SqliteOpenMode.ReadWrite);
        await sqlite.OpenAsync(cancellationToken);
        await using var write = (SqliteTransaction)await sqlite.BeginTransactionAsync(cancellationToken);
        foreach (var table in await SnapshotTables.ResolveAsync(sqlite, postgres, read, cancellationToken))
        {
            await CopyTableAsync(postgres, read, sqlite, write, table, cancellationToken);
        }
        await SqliteSnapshotSchema.RebuildDerivedAsync(sqlite, cancellationToken);
        await write.CommitAsync(cancellationToken);
        await read.CommitAsync(cancellationToken);
    }

    private static async Task CopyTableAsync(NpgsqlConnection postgres, NpgsqlTransaction read, SqliteConnection sqlite, SqliteTransaction write, CopiedTable table, CancellationToken cancellationToken)
    {
        await using var insert = sqlite.CreateCommand();
        insert.Transaction = write;
        insert.CommandText = $"INSERT INTO {CopiedTable.Quote(table.Name)} ({table.ColumnList}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"$p{i}"))})";
        var parameters = table.Columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        insert.Prepare();

        await using var select = new NpgsqlCommand($"SELECT {table.ColumnList} FROM {CopiedTable.Quote(table.Name)}", postgres, read);
        await using var rows = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var values = new object[table.Columns.Count];
        while (await rows.ReadAsync(cancellationToken))
        {
            rows.GetValues(values);
            for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i];
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
