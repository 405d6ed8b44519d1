using System.Data.Common;
using Dapper;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Deletion;

/// <summary>
/// Removes a deleted crate's stored index file and records the removal with the next change counter value, so
/// nodes following the counter (Data/Index/IndexFileRepository.ListChangesAsync) drop their cached copy just as they
/// do for a rewritten file. Call it last before the commit, like IndexFileWriter.
/// </summary>
internal static class IndexFileRemoval
{
    public static async Task RemoveAsync(IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, string canonicalName, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM index_files WHERE canonical_name = @canonicalName", new { canonicalName }, transaction, cancellationToken: cancellationToken));
        var seq = await Index.IndexChangeCounter.NextAsync(factory, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO index_file_removals (canonical_name, seq) VALUES (@canonicalName, @seq)
            ON CONFLICT (canonical_name) DO UPDATE SET seq = excluded.seq
            """,
            new { canonicalName, seq }, transaction, cancellationToken: cancellationToken));
    }
}
