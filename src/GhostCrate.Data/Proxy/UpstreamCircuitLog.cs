using Dapper;
using GhostCrate.Core.Proxy;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Notifications;

namespace GhostCrate.Data.Proxy;

/// <summary>
/// upstream_circuits (migration 0020): one row per upstream that was ever down. "Down" inserts or flips the row only
/// when it is not down already; "up" flips it only when it is down. Both are single statements whose condition the
/// database re-checks under the row lock, so of two nodes reporting the same transition at once exactly one changes
/// the row, and only that one writes the event.
/// </summary>
internal sealed class UpstreamCircuitLog(IDbConnectionFactory factory) : IUpstreamCircuitLog
{
    public Task<bool> RecordAsync(string upstream, bool down, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                down
                    ? """
                      INSERT INTO upstream_circuits (upstream, down, changed_at) VALUES (@upstream, 1, @now)
                      ON CONFLICT (upstream) DO UPDATE SET down = 1, changed_at = excluded.changed_at WHERE upstream_circuits.down = 0
                      """
                    : "UPDATE upstream_circuits SET down = 0, changed_at = @now WHERE upstream = @upstream AND down = 1",
                new { upstream, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            if (changed == 0) return false;
            await EventOutbox.UpstreamCircuitAsync(factory, connection, transaction, upstream, down, error, now, cancellationToken);
            return true;
        }, cancellationToken);
}
