using Dapper;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Migrations;
using Microsoft.Data.Sqlite;

namespace GhostCrate.Data.Backup;

/// <summary>
/// The backup's database file is always a SQLite file in this GhostCrate's SQLite schema, whichever database it was
/// taken from: `verify --deep` can then read any backup without a database server, and a restore can load it into
/// either backend (docs/backup-and-restore.md, "Why not pg_dump").
/// </summary>
internal static class SqliteSnapshotSchema
{
    /// <summary>Applies every SQLite migration this GhostCrate has that <paramref name="file"/> lacks (creating it when absent).</summary>
    public static async Task<int> MigrateAsync(string file, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        await using var factory = new SqliteConnectionFactory(connectionString);
        return await new SqlDatabase(factory).MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// Rebuilds the SQLite-only derived search tables from the crate rows after rows were copied in from another
    /// database: the trigram index (an FTS5 external-content table, https://www.sqlite.org/fts5.html#the_rebuild_command)
    /// and the two-character pairs table, whose backfill is its own migration script and is idempotent.
    /// </summary>
    public static async Task RebuildDerivedAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("INSERT INTO crates_search (crates_search) VALUES ('rebuild')", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM crate_search_pairs", cancellationToken: cancellationToken));
        var pairs = MigrationScripts.For(Core.Options.DatabaseProvider.Sqlite).Single(s => s.Name == "search_pairs");
        await connection.ExecuteAsync(new CommandDefinition(pairs.Sql, cancellationToken: cancellationToken));
    }
}
