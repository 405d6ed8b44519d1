using Dapper;
using GhostCrate.Core.Organizations;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Organizations;

internal sealed class CrateGroupOwnerRepository(IDbConnectionFactory factory) : ICrateGroupOwnerRepository
{
    public Task<IReadOnlyList<GroupOwnerRecord>> ListAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<GroupOwnerRecord>>(async connection =>
        {
            var rows = await connection.QueryAsync<GroupRow>(new CommandDefinition(
                """
                SELECT o.id AS OrgId, o.name AS OrgName, NULL AS TeamId, NULL AS TeamName, co.created_at AS CreatedAt
                FROM crate_org_owners co JOIN organizations o ON o.id = co.org_id
                WHERE co.crate_id = @crateId
                UNION ALL
                SELECT o.id AS OrgId, o.name AS OrgName, t.id AS TeamId, t.name AS TeamName, ct.created_at AS CreatedAt
                FROM crate_team_owners ct JOIN teams t ON t.id = ct.team_id JOIN organizations o ON o.id = t.org_id
                WHERE ct.crate_id = @crateId
                ORDER BY CreatedAt, OrgId, TeamId
                """,
                new { crateId }, cancellationToken: cancellationToken));
            return rows.Select(r => new GroupOwnerRecord(r.OrgId, r.OrgName, r.TeamId, r.TeamName)).ToList();
        }, cancellationToken);

    public Task<bool> AddOrgAsync(long crateId, long orgId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO crate_org_owners (crate_id, org_id, created_at) VALUES (@crateId, @id, @now) ON CONFLICT (crate_id, org_id) DO NOTHING", crateId, orgId, now, cancellationToken);

    public Task<bool> RemoveOrgAsync(long crateId, long orgId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM crate_org_owners WHERE crate_id = @crateId AND org_id = @id", crateId, orgId, null, cancellationToken);

    public Task<bool> AddTeamAsync(long crateId, long teamId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO crate_team_owners (crate_id, team_id, created_at) VALUES (@crateId, @id, @now) ON CONFLICT (crate_id, team_id) DO NOTHING", crateId, teamId, now, cancellationToken);

    public Task<bool> RemoveTeamAsync(long crateId, long teamId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM crate_team_owners WHERE crate_id = @crateId AND team_id = @id", crateId, teamId, null, cancellationToken);

    public Task<CrateGrants> GetGrantsAsync(long crateId, long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // One round trip: direct ownership, roles in owning organizations, and roles in organizations whose teams
            // own the crate (with whether the user is on that team).
            var rows = (await connection.QueryAsync<GrantRow>(new CommandDefinition(
                """
                SELECT 'direct' AS Kind, NULL AS Role, 0 AS OnTeam FROM crate_owners WHERE crate_id = @crateId AND user_id = @userId
                UNION ALL
                SELECT 'org' AS Kind, m.role AS Role, 0 AS OnTeam
                FROM crate_org_owners co JOIN organization_members m ON m.org_id = co.org_id
                WHERE co.crate_id = @crateId AND m.user_id = @userId
                UNION ALL
                SELECT 'team' AS Kind, m.role AS Role, CASE WHEN tm.user_id IS NULL THEN 0 ELSE 1 END AS OnTeam
                FROM crate_team_owners ct
                JOIN teams t ON t.id = ct.team_id
                JOIN organization_members m ON m.org_id = t.org_id AND m.user_id = @userId
                LEFT JOIN team_members tm ON tm.team_id = t.id AND tm.user_id = @userId
                WHERE ct.crate_id = @crateId
                """,
                new { crateId, userId }, cancellationToken: cancellationToken))).ToList();
            return new CrateGrants(
                rows.Any(r => r.Kind == "direct"),
                rows.Where(r => r.Kind == "org").Select(r => OrgRoles.FromStored(r.Role!)).ToList(),
                rows.Where(r => r.Kind == "team").Select(r => new TeamGrant(OrgRoles.FromStored(r.Role!), r.OnTeam != 0)).ToList());
        }, cancellationToken);

    public Task<bool> IsRestrictedAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT restricted FROM crates WHERE id = @crateId", new { crateId }, cancellationToken: cancellationToken)) == 1, cancellationToken);

    public Task SetRestrictedAsync(long crateId, bool restricted, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            "UPDATE crates SET restricted = @restricted WHERE id = @crateId",
            new { crateId, restricted = restricted ? 1 : 0 }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<string>> ListHiddenRestrictedAsync(long? userId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            // Restricted crates minus those with any grant for the user (direct, organization, or team the user is on,
            // or a team of an organization the user owns or administers).
            var names = await connection.QueryAsync<string>(new CommandDefinition(
                """
                SELECT c.canonical_name FROM crates c
                WHERE c.restricted = 1
                  AND NOT EXISTS (SELECT 1 FROM crate_owners o WHERE o.crate_id = c.id AND o.user_id = @userId)
                  AND NOT EXISTS (SELECT 1 FROM crate_org_owners co JOIN organization_members m ON m.org_id = co.org_id
                                  WHERE co.crate_id = c.id AND m.user_id = @userId)
                  AND NOT EXISTS (SELECT 1 FROM crate_team_owners ct JOIN teams t ON t.id = ct.team_id
                                  JOIN organization_members m ON m.org_id = t.org_id AND m.user_id = @userId
                                  LEFT JOIN team_members tm ON tm.team_id = t.id AND tm.user_id = @userId
                                  WHERE ct.crate_id = c.id AND (tm.user_id IS NOT NULL OR m.role IN ('owner', 'admin')))
                """,
                new { userId = userId ?? -1 }, cancellationToken: cancellationToken));
            return names.ToList();
        }, cancellationToken);

    private Task<bool> ExecuteAsync(string sql, long crateId, long id, DateTimeOffset? now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            sql, new { crateId, id, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    private sealed class GroupRow
    {
        public long OrgId { get; set; }
        public string OrgName { get; set; } = "";
        public long? TeamId { get; set; }
        public string? TeamName { get; set; }
        public long CreatedAt { get; set; }
    }

    private sealed class GrantRow
    {
        public string Kind { get; set; } = "";
        public string? Role { get; set; }
        public long OnTeam { get; set; }
    }
}
