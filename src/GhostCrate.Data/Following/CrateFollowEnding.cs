using System.Data.Common;
using Dapper;

namespace GhostCrate.Data.Following;

/// <summary>
/// Ends a wholly deleted crate's follows inside the deletion transaction (migration 0028): the rows move to
/// ended_crate_follows under the crate.deleted event's id, so they commit or roll back with the deletion. Only that
/// event still reaches these followers (<see cref="FollowRepository.EndedFollowerIdsAsync"/>); a crate published again
/// under the name starts with no followers.
/// </summary>
internal static class CrateFollowEnding
{
    public static async Task<int> EndAsync(DbConnection connection, DbTransaction transaction, string canonicalName, string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ended_crate_follows (event_id, user_id, canonical_name, followed_at, ended_at)
            SELECT @eventId, user_id, canonical_name, created_at, @now FROM crate_follows WHERE canonical_name = @canonicalName
            """,
            new { eventId, canonicalName, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM crate_follows WHERE canonical_name = @canonicalName",
            new { canonicalName }, transaction, cancellationToken: cancellationToken));
    }
}
