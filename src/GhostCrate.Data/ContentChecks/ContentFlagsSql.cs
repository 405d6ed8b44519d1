using System.Data.Common;
using Dapper;
using GhostCrate.Packaging.Content;

namespace GhostCrate.Data.ContentChecks;

/// <summary>The statements on `content_flags` (migration 0018), shared by the repository and the publish transaction.</summary>
internal static class ContentFlagsSql
{
    public static async Task ReplaceAsync(DbConnection connection, DbTransaction transaction, string source, string canonicalName, string version,
        IReadOnlyList<ContentFlag> flags, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM content_flags WHERE source = @source AND crate_name = @canonicalName AND version = @version",
            new { source, canonicalName, version }, transaction, cancellationToken: cancellationToken));
        if (flags.Count == 0) return;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO content_flags (source, crate_name, version, ordinal, kind, path, detail)
            VALUES (@source, @canonicalName, @version, @ordinal, @Kind, @Path, @Detail)
            """,
            flags.Select((f, i) => new { source, canonicalName, version, ordinal = i, f.Kind, f.Path, f.Detail }).ToList(),
            transaction, cancellationToken: cancellationToken));
    }
}
