using Dapper;
using GhostCrate.Core.Following;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Following;

/// <summary>crate_follows and org_follows (migration 0026), ended_crate_follows (0028). Inserts are ON CONFLICT DO NOTHING, so following twice is harmless.</summary>
internal sealed class FollowRepository(IDbConnectionFactory factory) : IFollowRepository
{
    public Task<bool> FollowCrateAsync(long userId, string canonicalName, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO crate_follows (user_id, canonical_name, created_at) VALUES (@userId, @canonicalName, @now) ON CONFLICT (user_id, canonical_name) DO NOTHING",
            new { userId, canonicalName, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> UnfollowCrateAsync(long userId, string canonicalName, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM crate_follows WHERE user_id = @userId AND canonical_name = @canonicalName",
            new { userId, canonicalName }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> FollowOrgAsync(long userId, long orgId, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO org_follows (user_id, org_id, created_at) VALUES (@userId, @orgId, @now) ON CONFLICT (user_id, org_id) DO NOTHING",
            new { userId, orgId, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> UnfollowOrgAsync(long userId, long orgId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM org_follows WHERE user_id = @userId AND org_id = @orgId",
            new { userId, orgId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<FollowList> ListAsync(long userId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            // A follow's crate exists (deletion ends it); the join gives its name as published.
            var crates = await connection.QueryAsync<(string Canonical, string? Name, long CreatedAt)>(new CommandDefinition(
                """
                SELECT f.canonical_name, c.name, f.created_at FROM crate_follows f
                LEFT JOIN crates c ON c.canonical_name = f.canonical_name
                WHERE f.user_id = @userId ORDER BY f.canonical_name
                """, new { userId }, cancellationToken: cancellationToken));
            var orgs = await connection.QueryAsync<(string Name, long CreatedAt)>(new CommandDefinition(
                """
                SELECT o.name, f.created_at FROM org_follows f JOIN organizations o ON o.id = f.org_id
                WHERE f.user_id = @userId ORDER BY o.name_canonical
                """, new { userId }, cancellationToken: cancellationToken));
            return new FollowList(
                [.. crates.Select(c => new FollowedCrate(c.Name ?? c.Canonical, UnixTime.FromMs(c.CreatedAt)))],
                [.. orgs.Select(o => new FollowedOrg(o.Name, UnixTime.FromMs(o.CreatedAt)))]);
        }, cancellationToken);

    public Task<bool> FollowsCrateAsync(long userId, string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM crate_follows WHERE user_id = @userId AND canonical_name = @canonicalName",
            new { userId, canonicalName }, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<bool> FollowsOrgAsync(long userId, string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM org_follows f JOIN organizations o ON o.id = f.org_id WHERE f.user_id = @userId AND o.name_canonical = @canonicalName",
            new { userId, canonicalName }, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<IReadOnlyList<long>> CrateFollowerIdsAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
            (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT user_id FROM crate_follows WHERE canonical_name = @canonicalName ORDER BY user_id",
                new { canonicalName }, cancellationToken: cancellationToken))).ToList(), cancellationToken);

    public Task<IReadOnlyList<long>> EndedFollowerIdsAsync(string eventId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
            (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT user_id FROM ended_crate_follows WHERE event_id = @eventId ORDER BY user_id",
                new { eventId }, cancellationToken: cancellationToken))).ToList(), cancellationToken);

    public Task<int> PruneEndedAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ended_crate_follows WHERE ended_at < @cutoff",
            new { cutoff = UnixTime.ToMs(cutoff) }, transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<IReadOnlyList<long>> OrgFollowerIdsAsync(string canonicalName, IReadOnlyCollection<string> formerOrgOwners, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection =>
        {
            var followers = new SortedSet<long>(await connection.QueryAsync<long>(new CommandDefinition(
                """
                SELECT f.user_id FROM org_follows f
                WHERE f.org_id IN (
                    SELECT o.org_id FROM crate_org_owners o JOIN crates c ON c.id = o.crate_id WHERE c.canonical_name = @canonicalName
                    UNION
                    SELECT t.org_id FROM crate_team_owners o JOIN teams t ON t.id = o.team_id JOIN crates c ON c.id = o.crate_id WHERE c.canonical_name = @canonicalName)
                """, new { canonicalName }, cancellationToken: cancellationToken)));
            // One query per former owner keeps the SQL the same on both databases (no array parameters); there are few.
            foreach (var org in formerOrgOwners.Select(Core.Organizations.OrganizationService.Canonical).Distinct())
            {
                followers.UnionWith(await connection.QueryAsync<long>(new CommandDefinition(
                    "SELECT f.user_id FROM org_follows f JOIN organizations o ON o.id = f.org_id WHERE o.name_canonical = @org",
                    new { org }, cancellationToken: cancellationToken)));
            }
            return (IReadOnlyList<long>)[.. followers];
        }, cancellationToken);
}
