using Dapper;
using GhostCrate.Core.Identity;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Identity;

internal sealed class ExternalLoginRepository(IDbConnectionFactory factory) : IExternalLoginRepository
{
    public Task<long?> FindUserIdAsync(string provider, string subject, CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT user_id FROM external_logins WHERE provider = @provider AND subject = @subject",
            new { provider, subject }, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> LinkAsync(string provider, string subject, long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO external_logins (provider, subject, user_id, created_at) VALUES (@provider, @subject, @userId, @now)
            ON CONFLICT (provider, subject) DO NOTHING
            """,
            new { provider, subject, userId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);
}
