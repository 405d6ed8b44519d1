using System.Data.Common;
using Dapper;

namespace GhostCrate.Data.Crates;

/// <summary>Statements shared by publish and yank: both change which version a crate is shown with.</summary>
internal static class CrateStateSql
{
    /// <summary>Recomputes max_version from the crate's versions as this transaction sees them.</summary>
    public static async Task<string?> ComputeMaxVersionAsync(DbConnection connection, DbTransaction transaction, long crateId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<VersionStateRow>(new CommandDefinition(
            "SELECT num AS Num, yanked AS Yanked FROM versions WHERE crate_id = @crateId",
            new { crateId }, transaction, cancellationToken: cancellationToken));
        return MaxVersion.Compute(rows.Select(r => (r.Num, r.Yanked != 0)));
    }
}
