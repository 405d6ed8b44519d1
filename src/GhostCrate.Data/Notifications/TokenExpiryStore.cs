using Dapper;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Notifications;

internal sealed class TokenExpiryStore(IDbConnectionFactory factory) : ITokenExpiryStore
{
    public Task<int> WriteExpiringEventsAsync(DateTimeOffset now, IReadOnlyList<int> windowDays, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            if (windowDays.Count == 0) return 0;
            var nowMs = UnixTime.ToMs(now);
            var tokens = await connection.QueryAsync<(long Id, long ExpiresAt)>(new CommandDefinition(
                """
                SELECT id, expires_at FROM api_tokens
                WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at > @now AND expires_at <= @horizon
                ORDER BY id
                """,
                new { now = nowMs, horizon = UnixTime.ToMs(now.AddDays(windowDays.Max())) }, transaction, cancellationToken: cancellationToken));
            var written = 0;
            foreach (var (id, expiresAt) in tokens)
            {
                int? smallest = null;
                foreach (var days in windowDays.Where(d => expiresAt <= UnixTime.ToMs(now.AddDays(d))).OrderBy(d => d))
                {
                    // The primary key decides: on PostgreSQL a concurrent insert of the same row waits for the other
                    // transaction and then does nothing, so only one of two nodes sees its row added.
                    var added = await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO token_expiry_notices (token_id, window_days, created_at) VALUES (@id, @days, @now) ON CONFLICT (token_id, window_days) DO NOTHING",
                        new { id, days, now = nowMs }, transaction, cancellationToken: cancellationToken));
                    if (added > 0) smallest ??= days;
                }
                if (smallest is { } window)
                {
                    await EventOutbox.TokenExpiringAsync(factory, connection, transaction, id, window, now, cancellationToken);
                    written++;
                }
            }
            return written;
        }, cancellationToken);
}
