using System.Data.Common;
using Dapper;
using GhostCrate.Core.Notifications;
using GhostCrate.Data.Connections;
using GhostCrate.Data.Jobs;

namespace GhostCrate.Data.Notifications;

/// <summary>
/// Writes an event into the outbox on the caller's connection and transaction, so the event commits or rolls back
/// with the change it describes. Each repository that makes a change calls one of these as one separate statement,
/// after the change and before its commit; the names it needs are read in the same transaction.
/// </summary>
internal static class EventOutbox
{
    public static async Task CratePublishedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction,
        string crate, string version, string checksum, long size, long publisherId, bool newCrate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var publisher = await UsernameAsync(connection, transaction, publisherId, cancellationToken);
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.CratePublished, new CratePublishedData(crate, version, checksum, size, publisher, newCrate), now),
            cancellationToken);
    }

    public static async Task TyposquatSuspectedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction,
        string crate, string version, long publisherId, IReadOnlyList<SimilarCrate> similar, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var publisher = await UsernameAsync(connection, transaction, publisherId, cancellationToken);
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.CrateTyposquatSuspected, new TyposquatSuspectedData(crate, version, publisher, similar), now),
            cancellationToken);
    }

    public static async Task VersionHeldAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction,
        string crate, string version, long publisherId, string reason, bool newCrate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var publisher = await UsernameAsync(connection, transaction, publisherId, cancellationToken);
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.VersionHeld, new VersionHeldData(crate, version, publisher, reason, newCrate), now),
            cancellationToken);
    }

    /// <summary>crate.yanked (with the reason given, if any) or crate.unyanked, in the yank's transaction.</summary>
    public static async Task CrateYankAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, long crateId, string version, bool yanked, string? reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var crate = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT name FROM crates WHERE id = @crateId", new { crateId }, transaction, cancellationToken: cancellationToken)) ?? "";
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(yanked ? RegistryEventTypes.CrateYanked : RegistryEventTypes.CrateUnyanked, new CrateYankData(crate, version, yanked, yanked ? reason : null), now),
            cancellationToken);
    }

    /// <summary>
    /// crate.deleted, in the deletion transaction (Data/Deletion), with the names it read before the rows went; returns
    /// the event's id, under which a whole crate's ended follows are kept (Data/Following/CrateFollowEnding).
    /// </summary>
    public static async Task<string> CrateDeletedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, CrateDeletedData data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var registryEvent = RegistryEvent.Create(RegistryEventTypes.CrateDeleted, data, now);
        await AddAsync(factory, connection, transaction, registryEvent, cancellationToken);
        return registryEvent.Id;
    }

    /// <summary>Whether the version is yanked now, read before a yank so only real changes make events.</summary>
    public static async Task<bool?> IsYankedAsync(DbConnection connection, DbTransaction transaction, long crateId, string version, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT yanked FROM versions WHERE crate_id = @crateId AND num = @version",
            new { crateId, version }, transaction, cancellationToken: cancellationToken)) is { } yanked ? yanked != 0 : null;

    public static async Task OwnersChangedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, long crateId, long userId, bool added, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var crate = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT name FROM crates WHERE id = @crateId", new { crateId }, transaction, cancellationToken: cancellationToken)) ?? "";
        var owners = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT u.username FROM crate_owners o JOIN users u ON u.id = o.user_id WHERE o.crate_id = @crateId ORDER BY o.created_at, u.id",
            new { crateId }, transaction, cancellationToken: cancellationToken))).ToList();
        var user = await UsernameAsync(connection, transaction, userId, cancellationToken) ?? "";
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.OwnersChanged, new OwnersChangedData(crate, added ? "added" : "removed", user, owners), now),
            cancellationToken);
    }

    /// <summary>owners.changed for an organization that became an owner (a transfer); <c>User</c> is its login, `org:NAME`.</summary>
    public static async Task GroupOwnerAddedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, long crateId, long orgId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var crate = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT name FROM crates WHERE id = @crateId", new { crateId }, transaction, cancellationToken: cancellationToken)) ?? "";
        var org = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT name FROM organizations WHERE id = @orgId", new { orgId }, transaction, cancellationToken: cancellationToken)) ?? "";
        var owners = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT u.username FROM crate_owners o JOIN users u ON u.id = o.user_id WHERE o.crate_id = @crateId ORDER BY o.created_at, u.id",
            new { crateId }, transaction, cancellationToken: cancellationToken))).ToList();
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.OwnersChanged, new OwnersChangedData(crate, "added", $"org:{org}", owners), now),
            cancellationToken);
    }

    public static async Task TokenAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, string type, long tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<TokenEventRow>(new CommandDefinition(
            """
            SELECT t.name AS Name, u.username AS Username, t.expires_at AS ExpiresAt
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = @tokenId
            """,
            new { tokenId }, transaction, cancellationToken: cancellationToken));
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(type, new TokenEventData(tokenId, row.Name, row.Username, UnixTime.FromMs(row.ExpiresAt)), now),
            cancellationToken);
    }

    public static async Task TokenExpiringAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, long tokenId, int windowDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<TokenEventRow>(new CommandDefinition(
            """
            SELECT t.name AS Name, u.username AS Username, t.expires_at AS ExpiresAt
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = @tokenId
            """,
            new { tokenId }, transaction, cancellationToken: cancellationToken));
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.TokenExpiring, new TokenExpiringData(tokenId, row.Name, row.Username, UnixTime.FromMs(row.ExpiresAt), windowDays), now),
            cancellationToken);
    }

    /// <summary>backup.succeeded / backup.failed, in the transaction that records the run in backup_runs.</summary>
    public static Task BackupRunAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, Core.Backup.BackupRun run, string? error, CancellationToken cancellationToken) =>
        AddAsync(factory, connection, transaction,
            RegistryEvent.Create(run.Succeeded ? RegistryEventTypes.BackupSucceeded : RegistryEventTypes.BackupFailed,
                new BackupEventData(run.Target, run.BackupId, run.StartedAt, run.FinishedAt, Math.Round(run.Duration.TotalSeconds, 3), run.Bytes, error), run.FinishedAt),
            cancellationToken);

    /// <summary>org.member_changed, in the transaction that adds, removes or re-roles the member.</summary>
    public static async Task OrgMemberChangedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, long orgId, long userId, string action, string? role, string? previousRole,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var org = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT name FROM organizations WHERE id = @orgId", new { orgId }, transaction, cancellationToken: cancellationToken)) ?? "";
        var user = await UsernameAsync(connection, transaction, userId, cancellationToken) ?? "";
        await AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.OrgMemberChanged, new OrgMemberChangedData(org, user, action, role, previousRole), now),
            cancellationToken);
    }

    /// <summary>proxy.upstream_down / proxy.upstream_up, in the transaction that flips the shared upstream_circuits row.</summary>
    public static Task UpstreamCircuitAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, string upstream, bool down, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        AddAsync(factory, connection, transaction,
            RegistryEvent.Create(down ? RegistryEventTypes.ProxyUpstreamDown : RegistryEventTypes.ProxyUpstreamUp, new ProxyUpstreamData(upstream, now, down ? error : null), now),
            cancellationToken);

    /// <summary>user.invited, in the transaction that stores the invitation.</summary>
    public static Task UserInvitedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, Core.Organizations.InvitationRecord invitation, DateTimeOffset now, CancellationToken cancellationToken) =>
        AddAsync(factory, connection, transaction,
            RegistryEvent.Create(RegistryEventTypes.UserInvited,
                new UserInvitedData(invitation.OrgName, invitation.Username, Core.Organizations.OrgRoles.ToStored(invitation.Role), invitation.InvitedBy, invitation.ExpiresAt, invitation.Id), now),
            cancellationToken);

    /// <summary>
    /// advisory.matched, in the transaction that first stores the finding. A private crate is named as it was
    /// published; a proxied or mirrored one as the advisory names its package (both compare equal as crate names).
    /// </summary>
    public static async Task AdvisoryMatchedAsync(
        IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, Core.Advisories.Advisory advisory, Core.Advisories.AffectedVersion finding,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var name = finding.Source == Core.Advisories.VersionSources.Private
            ? await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT name FROM crates WHERE canonical_name = @canonical", new { canonical = finding.CrateName }, transaction, cancellationToken: cancellationToken))
            : advisory.Package;
        await AddAsync(factory, connection, transaction, Core.Advisories.AdvisoryMatchedEvent.Create(advisory, finding, name ?? finding.CrateName, now), cancellationToken);
    }

    private static Task AddAsync(IDbConnectionFactory factory, DbConnection connection, DbTransaction transaction, RegistryEvent registryEvent, CancellationToken cancellationToken) =>
        JobSql.InsertAsync(factory, connection, transaction, registryEvent.ToJob(), registryEvent.Timestamp, cancellationToken);

    private static Task<string?> UsernameAsync(DbConnection connection, DbTransaction transaction, long userId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT username FROM users WHERE id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));

    private sealed class TokenEventRow
    {
        public string Name { get; set; } = "";
        public string Username { get; set; } = "";
        public long? ExpiresAt { get; set; }
    }
}
