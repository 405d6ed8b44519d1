using System.Data.Common;
using Dapper;

namespace GhostCrate.Data.Crates;

/// <summary>Statements shared by publish and yank: both change which version a crate is shown with.</summary>
internal static class CrateStateSql
{
    /// <summary>
    /// Recomputes max_version from the crate's visible versions as this transaction sees them; null while every version
    /// is held for approval, which is how readers of the crates table (search, lists) leave such a crate out.
    /// </summary>
    public static async Task<string?> ComputeMaxVersionAsync(DbConnection connection, DbTransaction transaction, long crateId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<VersionStateRow>(new CommandDefinition(
            "SELECT num AS Num, yanked AS Yanked FROM versions WHERE crate_id = @crateId AND held = 0",
            new { crateId }, transaction, cancellationToken: cancellationToken));
        return MaxVersion.Compute(rows.Select(r => (r.Num, r.Yanked != 0)));
    }
}
