using Dapper;
using GhostCrate.Core.Crates;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Notifications;

namespace GhostCrate.Data.Crates;

/// <summary>crate_owner_invitations (migration 0031): the same SQL on both databases.</summary>
internal sealed class OwnerInvitationRepository(IDbConnectionFactory factory) : IOwnerInvitationRepository
{
    private const string Select = """
        SELECT i.crate_id AS CrateId, c.name AS CrateName, i.user_id AS UserId, u.username AS Username,
               i.invited_by AS InvitedById, b.username AS InvitedBy, i.created_at AS CreatedAt, i.expires_at AS ExpiresAt
        FROM crate_owner_invitations i
        JOIN crates c ON c.id = i.crate_id
        JOIN users u ON u.id = i.user_id
        LEFT JOIN users b ON b.id = i.invited_by
        """;

    public Task<InviteOutcome> InviteAsync(long crateId, long userId, long invitedBy, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var at = UnixTime.ToMs(now);
            // An expired invitation does not block a new one (crates.io renews it the same way).
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_owner_invitations WHERE crate_id = @crateId AND user_id = @userId AND expires_at <= @at",
                new { crateId, userId, at }, transaction, cancellationToken: cancellationToken));
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO crate_owner_invitations (crate_id, user_id, invited_by, created_at, expires_at)
                VALUES (@crateId, @userId, @invitedBy, @at, @expiresAt)
                ON CONFLICT (crate_id, user_id) DO NOTHING
                """,
                new { crateId, userId, invitedBy, at, expiresAt = UnixTime.ToMs(expiresAt) }, transaction, cancellationToken: cancellationToken));
            return inserted > 0 ? InviteOutcome.Invited : InviteOutcome.AlreadyPending;
        }, cancellationToken);

    public Task<IReadOnlyList<OwnerInvitationRecord>> ListForUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ListAsync("i.user_id = @id", userId, now, cancellationToken);

    public Task<PendingInvitationCounts> CountForUserAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // The same joins and conditions as the two lists (ListForUserAsync, OrganizationRepository's
            // ListInvitationsForUserAsync), so the badge never counts what the pages it links to do not show.
            var row = await connection.QuerySingleAsync<CountRow>(new CommandDefinition(
                """
                SELECT (SELECT COUNT(*) FROM organization_invitations i JOIN organizations o ON o.id = i.org_id WHERE i.user_id = @userId) AS Organizations,
                       (SELECT COUNT(*) FROM crate_owner_invitations i JOIN crates c ON c.id = i.crate_id WHERE i.user_id = @userId AND i.expires_at > @at) AS Crates
                """,
                new { userId, at = UnixTime.ToMs(now) }, cancellationToken: cancellationToken));
            return new PendingInvitationCounts((int)row.Organizations, (int)row.Crates);
        }, cancellationToken);

    public Task<IReadOnlyList<OwnerInvitationRecord>> ListForCrateAsync(long crateId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ListAsync("i.crate_id = @id", crateId, now, cancellationToken);

    private Task<IReadOnlyList<OwnerInvitationRecord>> ListAsync(string condition, long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<OwnerInvitationRecord>>(async connection =>
            [.. (await connection.QueryAsync<Row>(new CommandDefinition(
                $"{Select} WHERE {condition} AND i.expires_at > @at ORDER BY i.created_at, c.name, u.username",
                new { id, at = UnixTime.ToMs(now) }, cancellationToken: cancellationToken))).Select(r => r.ToRecord())], cancellationToken);

    public Task<OwnerInvitationRecord?> FindAsync(long crateId, long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{Select} WHERE i.crate_id = @crateId AND i.user_id = @userId", new { crateId, userId }, cancellationToken: cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<bool> AcceptAsync(long crateId, long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var at = UnixTime.ToMs(now);
            // The crate row first, as a transfer to an organization locks it (FOR UPDATE on PostgreSQL; SQLite's write
            // transaction is already exclusive): an answer during a transfer waits for it and then finds the invitation
            // withdrawn. Otherwise it would take the invitation's row and then wait on the crate row for the owner row's
            // foreign key, while the transfer held the crate row and waited on the invitation's: a deadlock.
            await connection.ExecuteAsync(new CommandDefinition(
                $"SELECT id FROM crates WHERE id = @crateId{factory.LockRowsSuffix}", new { crateId }, transaction, cancellationToken: cancellationToken));
            // Deleting the open row is the claim: of two answers racing (two nodes, two tabs), one deletes it and the
            // other finds nothing, so an invitation makes at most one owner, and never after it expired.
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_owner_invitations WHERE crate_id = @crateId AND user_id = @userId AND expires_at > @at",
                new { crateId, userId, at }, transaction, cancellationToken: cancellationToken)) > 0;
            if (!claimed) return false;
            var added = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO crate_owners (crate_id, user_id, created_at) VALUES (@crateId, @userId, @at)
                ON CONFLICT (crate_id, user_id) DO NOTHING
                """,
                new { crateId, userId, at }, transaction, cancellationToken: cancellationToken)) > 0;
            if (added) await EventOutbox.OwnersChangedAsync(factory, connection, transaction, crateId, userId, added: true, now, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> DeleteAsync(long crateId, long userId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM crate_owner_invitations WHERE crate_id = @crateId AND user_id = @userId",
            new { crateId, userId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    private sealed class Row
    {
        public long CrateId { get; set; }
        public string CrateName { get; set; } = "";
        public long UserId { get; set; }
        public string Username { get; set; } = "";
        public long? InvitedById { get; set; }
        public string? InvitedBy { get; set; }
        public long CreatedAt { get; set; }
        public long ExpiresAt { get; set; }

        public OwnerInvitationRecord ToRecord() =>
            new(CrateId, CrateName, UserId, Username, InvitedById, InvitedBy, UnixTime.FromMs(CreatedAt), UnixTime.FromMs(ExpiresAt));
    }

    private sealed record CountRow(long Organizations, long Crates);
}
