using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GhostCrate.Data.Backup;

/// <summary>A table copied between a SQLite snapshot and PostgreSQL, with the columns both sides have.</summary>
internal sealed record CopiedTable(string Name, IReadOnlyList<string> Columns)
{
    public string ColumnList => string.Join(", ", Columns.Select(Quote));

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// Which tables move between the backends: every table of the SQLite schema that PostgreSQL has too, with the columns
/// both have, parents before children (so foreign keys hold row by row). Tables only one side has are that side's
/// derived search helpers (rebuilt, never copied); schema_migrations describes each database's own scripts.
/// Index files are derived too, and stamped with the change counter of the database that wrote them: they are neither
/// copied nor counted as data, and the migrate that ends every restore writes them again from the target's counter
/// (a copied stamp could lie below the target's counter, and a node following `seq > last` would skip later changes).
/// The access and policy epochs are the same kind of counter (nodes only compare it for change), kept by the target.
/// The index read leases are the running nodes' own state (Core/Index/IndexReadLease), never a backup's.
/// </summary>
internal static class SnapshotTables
{
    public const string Migrations = "schema_migrations";

    /// <summary>Tables that are bookkeeping or derived, never data: skipped when copying and when checking a target is empty.</summary>
    public static readonly IReadOnlySet<string> NotData = new HashSet<string>(StringComparer.Ordinal) { Migrations, "index_files", "index_file_removals", "change_counter", "access_epoch", "policy_epoch", "index_readers" };

    public static async Task<IReadOnlyList<CopiedTable>> ResolveAsync(SqliteConnection sqlite, NpgsqlConnection postgres, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var pgColumns = (await postgres.QueryAsync<(string Table, string Column)>(new CommandDefinition("""
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            """, transaction: transaction, cancellationToken: cancellationToken)))
            .GroupBy(r => r.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Column).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        var sqliteTables = (await sqlite.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            cancellationToken: cancellationToken))).ToList();

        var tables = new Dictionary<string, CopiedTable>(StringComparer.Ordinal);
        var parents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in sqliteTables)
        {
            if (NotData.Contains(name) || !pgColumns.TryGetValue(name, out var onPostgres)) continue;
            var columns = (await sqlite.QueryAsync<string>(new CommandDefinition($"SELECT name FROM pragma_table_info('{name.Replace("'", "''", StringComparison.Ordinal)}') ORDER BY cid", cancellationToken: cancellationToken)))
                .Where(onPostgres.Contains).ToList();
            if (columns.Count == 0) continue;
            tables[name] = new CopiedTable(name, columns);
            parents[name] = (await sqlite.QueryAsync<string>(new CommandDefinition($"SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{name.Replace("'", "''", StringComparison.Ordinal)}')", cancellationToken: cancellationToken)))
                .Where(p => p != name).ToList();
        }
        return TopologicalOrder(tables, parents);
    }

    private static List<CopiedTable> TopologicalOrder(Dictionary<string, CopiedTable> tables, Dictionary<string, List<string>> parents)
    {
        var ordered = new List<CopiedTable>(tables.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        void Visit(string name)
        {
            if (state.TryGetValue(name, out var done))
            {
                if (!done) throw new InvalidOperationException($"foreign keys form a cycle through {name}");
                return;
            }
            state[name] = false;
            foreach (var parent in parents[name].Where(tables.ContainsKey)) Visit(parent);
            state[name] = true;
            ordered.Add(tables[name]);
        }
        foreach (var name in tables.Keys.Order(StringComparer.Ordinal)) Visit(name);
        return ordered;
    }
}
