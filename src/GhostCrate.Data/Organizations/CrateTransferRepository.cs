using Dapper;
using GhostCrate.Core.Organizations;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Notifications;

namespace GhostCrate.Data.Organizations;

internal sealed class CrateTransferRepository(IDbConnectionFactory factory) : ICrateTransferRepository
{
    public Task<CrateTransferOutcome?> TransferAsync(long crateId, long orgId, bool keepUserOwners, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // The crate row first, as publish, yank, delete and owner changes do, so two transfers of one crate run one
            // after the other (FOR UPDATE on PostgreSQL; SQLite's write transaction is already exclusive).
            var crate = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                $"SELECT name FROM crates WHERE id = @crateId{factory.LockRowsSuffix}",
                new { crateId }, transaction, cancellationToken: cancellationToken));
            if (crate is null) return null;
            var org = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT name FROM organizations WHERE id = @orgId", new { orgId }, transaction, cancellationToken: cancellationToken));
            if (org is null) return null;
            var orgAdded = await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO crate_org_owners (crate_id, org_id, created_at) VALUES (@crateId, @orgId, @now) ON CONFLICT (crate_id, org_id) DO NOTHING",
                new { crateId, orgId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0;
            if (orgAdded) await EventOutbox.GroupOwnerAddedAsync(factory, connection, transaction, crateId, orgId, now, cancellationToken);

            var removed = new List<string>();
            if (!keepUserOwners)
            {
                var users = (await connection.QueryAsync<UserRow>(new CommandDefinition(
                    "SELECT u.id AS Id, u.username AS Username FROM crate_owners o JOIN users u ON u.id = o.user_id WHERE o.crate_id = @crateId ORDER BY o.created_at, u.id",
                    new { crateId }, transaction, cancellationToken: cancellationToken))).ToList();
                foreach (var user in users)
                {
                    var gone = await connection.ExecuteAsync(new CommandDefinition(
                        "DELETE FROM crate_owners WHERE crate_id = @crateId AND user_id = @userId",
                        new { crateId, userId = user.Id }, transaction, cancellationToken: cancellationToken)) > 0;
                    if (!gone) continue;
                    removed.Add(user.Username);
                    await EventOutbox.OwnersChangedAsync(factory, connection, transaction, crateId, user.Id, added: false, now, cancellationToken);
                }
                // The organization alone owns the crate now: an invitation one of the removed owners sent must not make
                // a user owner later (owner invitations, migration 0031).
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM crate_owner_invitations WHERE crate_id = @crateId", new { crateId }, transaction, cancellationToken: cancellationToken));
            }
            return new CrateTransferOutcome(crate, org, orgAdded, removed);
        }, cancellationToken);

    private sealed class UserRow
    {
        public long Id { get; set; }
        public string Username { get; set; } = "";
    }
}
