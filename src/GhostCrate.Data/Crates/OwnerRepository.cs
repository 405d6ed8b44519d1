using Dapper;
using GhostCrate.Core.Crates;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Notifications;

namespace GhostCrate.Data.Crates;

internal sealed class OwnerRepository(IDbConnectionFactory factory) : IOwnerRepository
{
    public Task<IReadOnlyList<OwnerRecord>> ListAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<OwnerRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<OwnerRow>(new CommandDefinition(
                """
                SELECT u.id AS UserId, u.username AS Username
                FROM crate_owners o JOIN users u ON u.id = o.user_id
                WHERE o.crate_id = @crateId
                ORDER BY o.created_at, u.id
                """,
                new { crateId }, cancellationToken: cancellationToken));
            return rows.Select(r => new OwnerRecord(r.UserId, r.Username)).ToList();
        }, cancellationToken);

    public Task<bool> IsOwnerAsync(long crateId, long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM crate_owners WHERE crate_id = @crateId AND user_id = @userId",
            new { crateId, userId }, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> AddAsync(long crateId, long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var added = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO crate_owners (crate_id, user_id, created_at) VALUES (@crateId, @userId, @now)
                ON CONFLICT (crate_id, user_id) DO NOTHING
                """,
                new { crateId, userId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0;
            if (added) await EventOutbox.OwnersChangedAsync(factory, connection, transaction, crateId, userId, added: true, now, cancellationToken);
            // An owner has nothing left to accept: an open invitation of theirs (an administrator's direct add after an
            // owner's invitation) would otherwise stay on their /me and in the header badge until it lapsed.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_owner_invitations WHERE crate_id = @crateId AND user_id = @userId",
                new { crateId, userId }, transaction, cancellationToken: cancellationToken));
            return added;
        }, cancellationToken);

    public Task<bool> RemoveAsync(long crateId, long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // The crate row first, in the order an invitation's acceptance takes its locks (OwnerInvitationRepository):
            // a removal and an acceptance of that owner's invitation then run one after the other, never interleaved.
            await connection.ExecuteAsync(new CommandDefinition(
                $"SELECT id FROM crates WHERE id = @crateId{factory.LockRowsSuffix}", new { crateId }, transaction, cancellationToken: cancellationToken));
            var removed = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_owners WHERE crate_id = @crateId AND user_id = @userId",
                new { crateId, userId }, transaction, cancellationToken: cancellationToken)) > 0;
            if (!removed) return false;
            await EventOutbox.OwnersChangedAsync(factory, connection, transaction, crateId, userId, added: false, now, cancellationToken);
            // An invitation speaks for the owner who sent it: once they are no longer an owner, what they offered is
            // withdrawn with them (otherwise a removed, perhaps compromised, account's invitee could still accept and
            // become an owner after the removal).
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_owner_invitations WHERE crate_id = @crateId AND invited_by = @userId",
                new { crateId, userId }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);

    private sealed class OwnerRow
    {
        public long UserId { get; set; }
        public string Username { get; set; } = "";
    }
}
