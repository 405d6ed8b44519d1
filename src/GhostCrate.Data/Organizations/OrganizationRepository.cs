using Dapper;
using GhostCrate.Data.Notifications;
using GhostCrate.Core.Organizations;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Organizations;

internal sealed class OrganizationRepository(IDbConnectionFactory factory) : IOrganizationRepository
{
    private const string OrgColumns = "o.id AS Id, o.name AS Name, o.name_canonical AS CanonicalName, o.created_at AS CreatedAt";
    private const string TeamColumns = "t.id AS Id, t.org_id AS OrgId, t.name AS Name, t.name_canonical AS CanonicalName, t.created_at AS CreatedAt";
    private const string InvitationSelect = """
        SELECT i.id AS Id, i.org_id AS OrgId, o.name AS OrgName, i.user_id AS UserId, u.username AS Username, i.role AS Role,
               b.username AS InvitedBy, i.created_at AS CreatedAt, i.expires_at AS ExpiresAt
        FROM organization_invitations i
        JOIN organizations o ON o.id = i.org_id
        JOIN users u ON u.id = i.user_id
        LEFT JOIN users b ON b.id = i.invited_by
        """;

    public Task<OrganizationRecord?> CreateAsync(string name, string canonicalName, long ownerId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO organizations (name, name_canonical, created_at) VALUES (@name, @canonicalName, @now)
                ON CONFLICT (name_canonical) DO NOTHING
                RETURNING id
                """,
                new { name, canonicalName, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            if (id is null) return null;
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO organization_members (org_id, user_id, role, created_at) VALUES (@id, @ownerId, 'owner', @now)",
                new { id, ownerId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            return new OrganizationRecord(id.Value, name, canonicalName, UnixTime.FromMs(UnixTime.ToMs(now)));
        }, cancellationToken);

    public Task<OrganizationRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<OrgRow>(new CommandDefinition(
                $"SELECT {OrgColumns} FROM organizations o WHERE o.name_canonical = @canonicalName",
                new { canonicalName }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<(IReadOnlyList<OrganizationRecord> Organizations, long Total)> ListAsync(int offset, int limit, CancellationToken cancellationToken) =>
        factory.ReadAsync<(IReadOnlyList<OrganizationRecord>, long)>(async connection =>
        {
            var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM organizations", cancellationToken: cancellationToken));
            var rows = await connection.QueryAsync<OrgRow>(new CommandDefinition(
                $"SELECT {OrgColumns} FROM organizations o ORDER BY o.name_canonical LIMIT @limit OFFSET @offset",
                new { limit, offset }, cancellationToken: cancellationToken));
            return (rows.Select(r => r.ToRecord()).ToList(), total);
        }, cancellationToken);

    public Task<IReadOnlyList<OrgMembership>> ListForUserAsync(long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<OrgMembership>>(async connection =>
        {
            var rows = await connection.QueryAsync<MembershipRow>(new CommandDefinition(
                $"SELECT {OrgColumns}, m.role AS Role FROM organizations o JOIN organization_members m ON m.org_id = o.id WHERE m.user_id = @userId ORDER BY o.name_canonical",
                new { userId }, cancellationToken: cancellationToken));
            return rows.Select(r => new OrgMembership(new OrganizationRecord(r.Id, r.Name, r.CanonicalName, UnixTime.FromMs(r.CreatedAt)), OrgRoles.FromStored(r.Role))).ToList();
        }, cancellationToken);

    public Task<bool> RenameAsync(long orgId, string name, string canonicalName, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM organizations WHERE name_canonical = @canonicalName AND id <> @orgId",
                new { canonicalName, orgId }, transaction, cancellationToken: cancellationToken));
            if (taken > 0) return false;
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE organizations SET name = @name, name_canonical = @canonicalName WHERE id = @orgId",
                new { name, canonicalName, orgId }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);

    public Task DeleteAsync(long orgId, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            // Foreign keys cascade to members, invitations, teams, team members and crate ownerships.
            "DELETE FROM organizations WHERE id = @orgId",
            new { orgId }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<OrgRole?> GetRoleAsync(long orgId, long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var role = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT role FROM organization_members WHERE org_id = @orgId AND user_id = @userId",
                new { orgId, userId }, cancellationToken: cancellationToken));
            return role is null ? (OrgRole?)null : OrgRoles.FromStored(role);
        }, cancellationToken);

    public Task<IReadOnlyList<OrgMemberRecord>> ListMembersAsync(long orgId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<OrgMemberRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
                """
                SELECT u.id AS UserId, u.username AS Username, m.role AS Role, m.created_at AS CreatedAt
                FROM organization_members m JOIN users u ON u.id = m.user_id
                WHERE m.org_id = @orgId ORDER BY u.username_canonical
                """,
                new { orgId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task<bool> SetRoleAsync(long orgId, long userId, OrgRole role, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var previous = await RoleAsync(connection, transaction, orgId, userId, cancellationToken);
            if (previous is null) return false;
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE organization_members SET role = @role WHERE org_id = @orgId AND user_id = @userId",
                new { orgId, userId, role = role.ToStored() }, transaction, cancellationToken: cancellationToken));
            if (previous != role.ToStored())
                await EventOutbox.OrgMemberChangedAsync(factory, connection, transaction, orgId, userId, "role_changed", role.ToStored(), previous, now, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> RemoveMemberAsync(long orgId, long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var previous = await RoleAsync(connection, transaction, orgId, userId, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM team_members WHERE user_id = @userId AND team_id IN (SELECT id FROM teams WHERE org_id = @orgId)",
                new { orgId, userId }, transaction, cancellationToken: cancellationToken));
            var removed = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM organization_members WHERE org_id = @orgId AND user_id = @userId",
                new { orgId, userId }, transaction, cancellationToken: cancellationToken)) > 0;
            if (removed)
                await EventOutbox.OrgMemberChangedAsync(factory, connection, transaction, orgId, userId, "removed", null, previous, now, cancellationToken);
            return removed;
        }, cancellationToken);

    private static Task<string?> RoleAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long orgId, long userId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT role FROM organization_members WHERE org_id = @orgId AND user_id = @userId",
            new { orgId, userId }, transaction, cancellationToken: cancellationToken));

    public Task<InvitationRecord?> InviteAsync(long orgId, long userId, OrgRole role, long invitedBy, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // An expired invitation does not block a new one.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM organization_invitations WHERE org_id = @orgId AND user_id = @userId AND expires_at <= @now",
                new { orgId, userId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO organization_invitations (org_id, user_id, role, invited_by, created_at, expires_at)
                VALUES (@orgId, @userId, @role, @invitedBy, @now, @expiresAt)
                ON CONFLICT (org_id, user_id) DO NOTHING
                RETURNING id
                """,
                new { orgId, userId, role = role.ToStored(), invitedBy, now = UnixTime.ToMs(now), expiresAt = UnixTime.ToMs(expiresAt) },
                transaction, cancellationToken: cancellationToken));
            if (id is null) return null;
            var row = await connection.QuerySingleAsync<InvitationRow>(new CommandDefinition(
                InvitationSelect + " WHERE i.id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            var invitation = row.ToRecord();
            await Notifications.EventOutbox.UserInvitedAsync(factory, connection, transaction, invitation, now, cancellationToken);
            return invitation;
        }, cancellationToken);

    public Task<IReadOnlyList<InvitationRecord>> ListInvitationsForUserAsync(long userId, CancellationToken cancellationToken) =>
        QueryInvitationsAsync(" WHERE i.user_id = @id ORDER BY i.id", userId, cancellationToken);

    public Task<IReadOnlyList<InvitationRecord>> ListInvitationsForOrgAsync(long orgId, CancellationToken cancellationToken) =>
        QueryInvitationsAsync(" WHERE i.org_id = @id ORDER BY i.id", orgId, cancellationToken);

    public async Task<InvitationRecord?> FindInvitationAsync(long invitationId, CancellationToken cancellationToken) =>
        (await QueryInvitationsAsync(" WHERE i.id = @id", invitationId, cancellationToken)).SingleOrDefault();

    public Task<bool> AcceptInvitationAsync(long invitationId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var invitation = await connection.QuerySingleOrDefaultAsync<InvitationRow>(new CommandDefinition(
                """
                DELETE FROM organization_invitations WHERE id = @invitationId
                RETURNING id AS Id, org_id AS OrgId, user_id AS UserId, role AS Role, created_at AS CreatedAt, expires_at AS ExpiresAt
                """,
                new { invitationId }, transaction, cancellationToken: cancellationToken));
            if (invitation is null) return false;
            var added = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO organization_members (org_id, user_id, role, created_at) VALUES (@OrgId, @UserId, @Role, @now)
                ON CONFLICT (org_id, user_id) DO NOTHING
                """,
                new { invitation.OrgId, invitation.UserId, invitation.Role, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            if (added > 0)
                await EventOutbox.OrgMemberChangedAsync(factory, connection, transaction, invitation.OrgId, invitation.UserId, "added", invitation.Role, null, now, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> DeleteInvitationAsync(long invitationId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM organization_invitations WHERE id = @invitationId",
            new { invitationId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<TeamRecord?> CreateTeamAsync(long orgId, string name, string canonicalName, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO teams (org_id, name, name_canonical, created_at) VALUES (@orgId, @name, @canonicalName, @now)
                ON CONFLICT (org_id, name_canonical) DO NOTHING
                RETURNING id
                """,
                new { orgId, name, canonicalName, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            return id is null ? null : new TeamRecord(id.Value, orgId, name, canonicalName, UnixTime.FromMs(UnixTime.ToMs(now)));
        }, cancellationToken);

    public Task<TeamRecord?> FindTeamAsync(long orgId, string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<TeamRow>(new CommandDefinition(
                $"SELECT {TeamColumns} FROM teams t WHERE t.org_id = @orgId AND t.name_canonical = @canonicalName",
                new { orgId, canonicalName }, cancellationToken: cancellationToken));
            return row?.ToRecord();
        }, cancellationToken);

    public Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(long orgId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<TeamRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<TeamRow>(new CommandDefinition(
                $"SELECT {TeamColumns} FROM teams t WHERE t.org_id = @orgId ORDER BY t.name_canonical",
                new { orgId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    public Task DeleteTeamAsync(long teamId, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM teams WHERE id = @teamId", new { teamId }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> AddTeamMemberAsync(long teamId, long userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO team_members (team_id, user_id, created_at) VALUES (@teamId, @userId, @now)
            ON CONFLICT (team_id, user_id) DO NOTHING
            """,
            new { teamId, userId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> RemoveTeamMemberAsync(long teamId, long userId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM team_members WHERE team_id = @teamId AND user_id = @userId",
            new { teamId, userId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<IReadOnlyList<OrgMemberRecord>> ListTeamMembersAsync(long teamId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<OrgMemberRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
                """
                SELECT u.id AS UserId, u.username AS Username, m.role AS Role, tm.created_at AS CreatedAt
                FROM team_members tm
                JOIN teams t ON t.id = tm.team_id
                JOIN users u ON u.id = tm.user_id
                JOIN organization_members m ON m.org_id = t.org_id AND m.user_id = tm.user_id
                WHERE tm.team_id = @teamId ORDER BY u.username_canonical
                """,
                new { teamId }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    private Task<IReadOnlyList<InvitationRecord>> QueryInvitationsAsync(string where, long id, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<InvitationRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<InvitationRow>(new CommandDefinition(InvitationSelect + where, new { id }, cancellationToken: cancellationToken));
            return rows.Select(r => r.ToRecord()).ToList();
        }, cancellationToken);

    private class OrgRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public string CanonicalName { get; set; } = "";
        public long CreatedAt { get; set; }

        public OrganizationRecord ToRecord() => new(Id, Name, CanonicalName, UnixTime.FromMs(CreatedAt));
    }

    private sealed class MembershipRow : OrgRow
    {
        public string Role { get; set; } = "";
    }

    private sealed class MemberRow
    {
        public long UserId { get; set; }
        public string Username { get; set; } = "";
        public string Role { get; set; } = "";
        public long CreatedAt { get; set; }

        public OrgMemberRecord ToRecord() => new(UserId, Username, OrgRoles.FromStored(Role), UnixTime.FromMs(CreatedAt));
    }

    private sealed class TeamRow
    {
        public long Id { get; set; }
        public long OrgId { get; set; }
        public string Name { get; set; } = "";
        public string CanonicalName { get; set; } = "";
        public long CreatedAt { get; set; }

        public TeamRecord ToRecord() => new(Id, OrgId, Name, CanonicalName, UnixTime.FromMs(CreatedAt));
    }

    private sealed class InvitationRow
    {
        public long Id { get; set; }
        public long OrgId { get; set; }
        public string OrgName { get; set; } = "";
        public long UserId { get; set; }
        public string Username { get; set; } = "";
        public string Role { get; set; } = "";
        public string? InvitedBy { get; set; }
        public long CreatedAt { get; set; }
        public long ExpiresAt { get; set; }

        public InvitationRecord ToRecord() => new(Id, OrgId, OrgName, UserId, Username, OrgRoles.FromStored(Role), InvitedBy, UnixTime.FromMs(CreatedAt), UnixTime.FromMs(ExpiresAt));
    }
}
