using System.Data.Common;
using Dapper;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Index;

/// <summary>
/// Writes a crate's rendered index file inside the transaction that changed its versions (publish, yank, unyank), so
/// the file, its ETag and its change counter value commit or roll back with the change itself. Call it last, just
/// before the commit: the counter's lock is held from here until the commit (<see cref="IndexChangeCounter"/>).
/// </summary>
internal static class IndexFileWriter
{
    /// <returns>The change counter value the file was stamped with; 0 when no version is visible and nothing was written.</returns>
    public static async Task<long> WriteAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, long crateId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Read inside the writing transaction: these are the rows this commit makes visible.
        var rows = (await connection.QueryAsync<IndexLineRow>(new CommandDefinition(
            """
            SELECT c.id AS CrateId, c.name AS Name, c.canonical_name AS CanonicalName, v.index_json AS IndexJson, v.yanked AS Yanked
            FROM crates c JOIN versions v ON v.crate_id = c.id
            WHERE c.id = @crateId AND v.held = 0
            ORDER BY v.id
            """,
            new { crateId }, transaction, cancellationToken: cancellationToken))).ToList();
        // Every version held for approval (a new crate's first): cargo must not see the crate yet, so it has no file.
        if (rows.Count == 0) return 0;
        var seq = await IndexChangeCounter.NextAsync(factory, connection, transaction, cancellationToken);
        await UpsertAsync(connection, transaction, rows, UnixTime.ToMs(now), seq, cancellationToken);
        return seq;
    }

    /// <summary>Renders and stores the file; with <paramref name="onlyIfMissing"/> an existing row wins (the backfill).</summary>
    internal static Task UpsertAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<IndexLineRow> rows, long lastModifiedMs, long seq, CancellationToken cancellationToken,
        bool onlyIfMissing = false)
    {
        var content = IndexFileRenderer.Render(rows.Select(r => new IndexSourceLine(r.IndexJson, r.Yanked != 0)));
        return connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO index_files (canonical_name, name, content, etag, last_modified, seq)
            VALUES (@canonicalName, @name, @content, @etag, @lastModified, @seq)
            ON CONFLICT (canonical_name) DO {(onlyIfMissing ? "NOTHING" : """
                UPDATE SET name = excluded.name, content = excluded.content, etag = excluded.etag,
                           last_modified = excluded.last_modified, seq = excluded.seq
                """)}
            """,
            new { canonicalName = rows[0].CanonicalName, name = rows[0].Name, content, etag = IndexFileRenderer.ETagOf(content), lastModified = lastModifiedMs, seq },
            transaction, cancellationToken: cancellationToken));
    }
}

/// <summary>A version's stored line with its crate's names (Dapper target: column types as stored).</summary>
internal sealed class IndexLineRow
{
    public long CrateId { get; set; }
    public string Name { get; set; } = "";
    public string CanonicalName { get; set; } = "";
    public string IndexJson { get; set; } = "";
    public long Yanked { get; set; }
    /// <summary>The crate's updated_at (read by the backfill only).</summary>
    public long UpdatedAt { get; set; }
}
