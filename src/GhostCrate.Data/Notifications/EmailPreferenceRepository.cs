using Dapper;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Data.Connections;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Data.Notifications;

internal sealed class EmailPreferenceRepository(IDbConnectionFactory factory) : IEmailPreferenceRepository
{
    public Task<IReadOnlyDictionary<string, bool>> GetAsync(long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyDictionary<string, bool>>(async connection =>
            (await connection.QueryAsync<(string Topic, long Enabled)>(new CommandDefinition(
                "SELECT topic, enabled FROM email_preferences WHERE user_id = @userId", new { userId }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Topic, r => r.Enabled != 0, StringComparer.Ordinal), cancellationToken);

    public Task SetAsync(long userId, IReadOnlyDictionary<string, bool> choices, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            foreach (var (topic, enabled) in choices)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO email_preferences (user_id, topic, enabled, updated_at) VALUES (@userId, @topic, @enabled, @now)
                    ON CONFLICT (user_id, topic) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at
                    """,
                    new { userId, topic, enabled = enabled ? 1 : 0, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            }
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<long>> CrateOwnerIdsAsync(string crateName, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
            (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT o.user_id FROM crate_owners o JOIN crates c ON c.id = o.crate_id WHERE c.canonical_name = @canonical ORDER BY o.user_id",
                new { canonical = CrateName.Canonicalize(crateName) }, cancellationToken: cancellationToken))).ToList(), cancellationToken);

    public Task<IReadOnlyList<long>> OrgOwnerIdsAsync(string orgName, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
            (await connection.QueryAsync<long>(new CommandDefinition(
                """
                SELECT m.user_id FROM organization_members m JOIN organizations o ON o.id = m.org_id
                WHERE o.name_canonical = @canonical AND m.role = 'owner' ORDER BY m.user_id
                """,
                new { canonical = Core.Organizations.OrganizationService.Canonical(orgName) }, cancellationToken: cancellationToken))).ToList(), cancellationToken);

    public Task<IReadOnlyList<long>> AdministratorIdsAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
            (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM users WHERE is_admin = 1 AND is_disabled = 0 ORDER BY id", cancellationToken: cancellationToken))).ToList(), cancellationToken);
}
