using Dapper;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Index;

/// <summary>
/// Writes the index file of every crate that has none: crates published before migration 0009, or a database restored
/// from an older backup. Runs after the migration scripts, every time they run (a no-op once every crate has its
/// file). A crate whose every version is held for approval has no file until one is approved. Safe when two nodes start at once: it runs under the migration lock, and a row that a concurrent publish
/// wrote first is kept (ON CONFLICT DO NOTHING), since the publish's file is at least as new.
/// </summary>
internal static class IndexFileBackfill
{
    // Crates per transaction: bounds how long the write lock (SQLite) or the counter's lock is held at a time.
    private const int BatchSize = 500;

    /// <returns>How many files were written.</returns>
    public static async Task<int> RunAsync(IDbConnectionFactory factory, CancellationToken cancellationToken)
    {
        var written = 0;
        while (true)
        {
            var batch = await factory.WriteAsync(async (connection, transaction) =>
            {
                if (factory.MigrationLockSql.Length > 0)
                    await connection.ExecuteAsync(new CommandDefinition(factory.MigrationLockSql, transaction: transaction, cancellationToken: cancellationToken));
                var rows = (await connection.QueryAsync<IndexLineRow>(new CommandDefinition(
                    """
                    SELECT c.id AS CrateId, c.name AS Name, c.canonical_name AS CanonicalName, c.updated_at AS UpdatedAt,
                           v.index_json AS IndexJson, v.yanked AS Yanked
                    FROM versions v JOIN crates c ON c.id = v.crate_id
                    WHERE v.held = 0 AND c.id IN (SELECT c2.id FROM crates c2
                                   WHERE NOT EXISTS (SELECT 1 FROM index_files f WHERE f.canonical_name = c2.canonical_name)
                                     AND EXISTS (SELECT 1 FROM versions v2 WHERE v2.crate_id = c2.id AND v2.held = 0)
                                   ORDER BY c2.id LIMIT @limit)
                    ORDER BY c.id, v.id
                    """,
                    new { limit = BatchSize }, transaction, cancellationToken: cancellationToken))).ToList();
                var crates = 0;
                foreach (var crate in rows.GroupBy(r => r.CrateId))
                {
                    var lines = crate.ToList();
                    var seq = await IndexChangeCounter.NextAsync(factory, connection, transaction, cancellationToken);
                    // The crate's updated_at: what the file's Last-Modified was rendered from before it was stored.
                    await IndexFileWriter.UpsertAsync(connection, transaction, lines, lines[0].UpdatedAt, seq, cancellationToken, onlyIfMissing: true);
                    crates++;
                }
                return crates;
            }, cancellationToken);
            written += batch;
            if (batch < BatchSize) return written;
        }
    }
}
