using Dapper;
using GhostCrate.Core.Backup;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace GhostCrate.Data.Backup;

/// <summary>
/// Loads a SQLite snapshot file (already migrated to this GhostCrate's schema) into a PostgreSQL database whose schema is
/// migrated, in one transaction: the restore is all rows or none. Rows go in with binary COPY
/// (https://www.postgresql.org/docs/current/sql-copy.html), parents before children; identity sequences are moved past
/// the restored ids so the next publish does not collide.
/// </summary>
internal static class PostgresSnapshotImport
{
    public static async Task<string?> DescribeRowsAsync(NpgsqlConnection postgres, CancellationToken cancellationToken)
    {
        var tables = await postgres.QueryAsync<string>(new CommandDefinition(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            cancellationToken: cancellationToken));
        foreach (var table in tables.Where(t => !SnapshotTables.NotData.Contains(t)))
        {
            if (await postgres.ExecuteScalarAsync<bool>(new CommandDefinition($"SELECT EXISTS (SELECT 1 FROM {CopiedTable.Quote(table)})", cancellationToken: cancellationToken)))
                return $"the PostgreSQL database {postgres.Database} has rows in {table}";
        }
        return null;
    }

    public static async Task ImportAsync(NpgsqlDataSource target, string file, bool replace, CancellationToken cancellationToken)
    {
        await using var sqlite = SqliteSnapshotFile.Open(file, SqliteOpenMode.ReadOnly);
        await sqlite.OpenAsync(cancellationToken);
        await using var postgres = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await postgres.BeginTransactionAsync(cancellationToken);
        var tables = await SnapshotTables.ResolveAsync(sqlite, postgres, transaction, cancellationToken);
        var types = await ColumnTypesAsync(postgres, transaction, cancellationToken);

        if (replace)
        {
            await postgres.ExecuteAsync(new CommandDefinition($"TRUNCATE {string.Join(", ", tables.Select(t => CopiedTable.Quote(t.Name)))} RESTART IDENTITY CASCADE",
                transaction: transaction, cancellationToken: cancellationToken));
            // The replaced registry's index files: the migrate after the restore writes the restored crates' files.
            await postgres.ExecuteAsync(new CommandDefinition("DELETE FROM index_files", transaction: transaction, cancellationToken: cancellationToken));
        }
        else if (await DescribeRowsAsync(postgres, cancellationToken) is { } rows)
        {
            throw new BackupException($"the target is not empty ({rows}); nothing was restored (use --force to replace it)");
        }

        foreach (var table in tables)
        {
            await CopyTableAsync(sqlite, postgres, table, types, cancellationToken);
        }
        foreach (var (table, column) in await postgres.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
            transaction: transaction, cancellationToken: cancellationToken)))
        {
            await postgres.ExecuteAsync(new CommandDefinition(
                $"SELECT setval(pg_get_serial_sequence(@table, @column), (SELECT coalesce(max({CopiedTable.Quote(column)}), 0) + 1 FROM {CopiedTable.Quote(table)}), false)",
                new { table = CopiedTable.Quote(table), column }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Dictionary<(string Table, string Column), string>> ColumnTypesAsync(NpgsqlConnection postgres, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        (await postgres.QueryAsync<(string Table, string Column, string Type)>(new CommandDefinition(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()",
            transaction: transaction, cancellationToken: cancellationToken)))
        .ToDictionary(r => (r.Table, r.Column), r => r.Type);

    private static async Task CopyTableAsync(SqliteConnection sqlite, NpgsqlConnection postgres, CopiedTable table,
        Dictionary<(string Table, string Column), string> types, CancellationToken cancellationToken)
    {
        var columnTypes = table.Columns.Select(c => types[(table.Name, c)]).ToArray();
        await using var select = sqlite.CreateCommand();
        select.CommandText = $"SELECT {table.ColumnList} FROM {CopiedTable.Quote(table.Name)}";
        await using var rows = await select.ExecuteReaderAsync(cancellationToken);
        await using var copy = await postgres.BeginBinaryImportAsync($"COPY {CopiedTable.Quote(table.Name)} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            await copy.StartRowAsync(cancellationToken);
            for (var i = 0; i < columnTypes.Length; i++)
            {
                if (await rows.IsDBNullAsync(i, cancellationToken))
                {
                    await copy.WriteNullAsync(cancellationToken);
                    continue;
                }
                await WriteAsync(copy, rows, i, columnTypes[i], $"{table.Name}.{table.Columns[i]}", cancellationToken);
            }
        }
        await copy.CompleteAsync(cancellationToken);
    }

    // SQLite stores integers as 64-bit and has no boolean: each value is converted to the PostgreSQL column's type.
    private static Task WriteAsync(NpgsqlBinaryImporter copy, SqliteDataReader rows, int i, string type, string column, CancellationToken cancellationToken) => type switch
    {
        "bigint" => copy.WriteAsync(rows.GetInt64(i), NpgsqlDbType.Bigint, cancellationToken),
        "integer" => copy.WriteAsync(checked((int)rows.GetInt64(i)), NpgsqlDbType.Integer, cancellationToken),
        "smallint" => copy.WriteAsync(checked((short)rows.GetInt64(i)), NpgsqlDbType.Smallint, cancellationToken),
        "boolean" => copy.WriteAsync(rows.GetInt64(i) != 0, NpgsqlDbType.Boolean, cancellationToken),
        "double precision" => copy.WriteAsync(rows.GetDouble(i), NpgsqlDbType.Double, cancellationToken),
        "text" or "character varying" => copy.WriteAsync(rows.GetString(i), NpgsqlDbType.Text, cancellationToken),
        "bytea" => copy.WriteAsync(rows.GetFieldValue<byte[]>(i), NpgsqlDbType.Bytea, cancellationToken),
        _ => throw new BackupException($"{column}: cannot restore a PostgreSQL column of type {type}"),
    };
}
