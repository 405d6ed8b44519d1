using Dapper;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Policy;

/// <summary>The download policy's tables (migration 0019); every write moves the policy epoch through its triggers.</summary>
internal sealed class PolicyRepository(IDbConnectionFactory factory) : IPolicyRepository
{
    private const string OrgPolicySelect =
        "SELECT p.org_id, o.name, p.block_severity, p.updated_at, p.updated_by FROM org_download_policies p JOIN organizations o ON o.id = p.org_id";

    public Task<long> EpochAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(connection => connection.QuerySingleAsync<long>(new CommandDefinition(
            "SELECT value FROM policy_epoch WHERE id = 1", cancellationToken: cancellationToken)), cancellationToken);

    public Task<PolicyState> LoadAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var orgs = await connection.QueryAsync<(long OrgId, string OrgName, int Severity, long UpdatedAt, string? UpdatedBy)>(new CommandDefinition(
                $"{OrgPolicySelect} ORDER BY p.org_id", cancellationToken: cancellationToken));
            var allowed = await connection.QueryAsync<(string Id, string Reason, long ExpiresAt, long CreatedAt, string? CreatedBy)>(new CommandDefinition(
                "SELECT advisory_id, reason, expires_at, created_at, created_by FROM advisory_allowlist ORDER BY advisory_id", cancellationToken: cancellationToken));
            var exemptions = await connection.QueryAsync<(string Name, string Reason, long ExpiresAt, long CreatedAt, string? CreatedBy)>(new CommandDefinition(
                "SELECT crate_name, reason, expires_at, created_at, created_by FROM quarantine_exemptions ORDER BY crate_name", cancellationToken: cancellationToken));
            return new PolicyState(
                [.. orgs.Select(r => new OrgDownloadPolicy(r.OrgId, r.OrgName, (BlockThreshold)r.Severity, UnixTime.FromMs(r.UpdatedAt), r.UpdatedBy))],
                [.. allowed.Select(r => new AllowedAdvisory(r.Id, r.Reason, UnixTime.FromMs(r.ExpiresAt), UnixTime.FromMs(r.CreatedAt), r.CreatedBy))],
                [.. exemptions.Select(r => new QuarantineExemption(r.Name, r.Reason, UnixTime.FromMs(r.ExpiresAt), UnixTime.FromMs(r.CreatedAt), r.CreatedBy))]);
        }, cancellationToken);

    public Task<IReadOnlyList<long>> OwningOrgsAsync(string canonicalName, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<long>>(async connection => [.. await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT o.org_id FROM crate_org_owners o JOIN crates c ON c.id = o.crate_id WHERE c.canonical_name = @canonicalName
            UNION
            SELECT t.org_id FROM crate_team_owners ct JOIN teams t ON t.id = ct.team_id JOIN crates c ON c.id = ct.crate_id WHERE c.canonical_name = @canonicalName
            ORDER BY 1
            """, new { canonicalName }, cancellationToken: cancellationToken))], cancellationToken);

    public Task<OrgDownloadPolicy?> FindOrgPolicyAsync(long orgId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var rows = await connection.QueryAsync<(long OrgId, string OrgName, int Severity, long UpdatedAt, string? UpdatedBy)>(new CommandDefinition(
                $"{OrgPolicySelect} WHERE p.org_id = @orgId", new { orgId }, cancellationToken: cancellationToken));
            return rows.Select(r => new OrgDownloadPolicy(r.OrgId, r.OrgName, (BlockThreshold)r.Severity, UnixTime.FromMs(r.UpdatedAt), r.UpdatedBy)).FirstOrDefault();
        }, cancellationToken);

    public Task SetOrgPolicyAsync(OrgDownloadPolicy policy, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO org_download_policies (org_id, block_severity, updated_at, updated_by) VALUES (@orgId, @severity, @updatedAt, @updatedBy)
            ON CONFLICT (org_id) DO UPDATE SET block_severity = excluded.block_severity, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            new { orgId = policy.OrgId, severity = (int)policy.BlockSeverity, updatedAt = UnixTime.ToMs(policy.UpdatedAt), updatedBy = policy.UpdatedBy },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> RemoveOrgPolicyAsync(long orgId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM org_download_policies WHERE org_id = @orgId", new { orgId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task SetAllowedAsync(AllowedAdvisory entry, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO advisory_allowlist (advisory_id, reason, expires_at, created_at, created_by) VALUES (@id, @reason, @expiresAt, @createdAt, @createdBy)
            ON CONFLICT (advisory_id) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, created_at = excluded.created_at, created_by = excluded.created_by
            """,
            new { id = entry.AdvisoryId, reason = entry.Reason, expiresAt = UnixTime.ToMs(entry.ExpiresAt), createdAt = UnixTime.ToMs(entry.CreatedAt), createdBy = entry.CreatedBy },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> RemoveAllowedAsync(string advisoryId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM advisory_allowlist WHERE advisory_id = @advisoryId", new { advisoryId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task SetExemptionAsync(QuarantineExemption exemption, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO quarantine_exemptions (crate_name, reason, expires_at, created_at, created_by) VALUES (@name, @reason, @expiresAt, @createdAt, @createdBy)
            ON CONFLICT (crate_name) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at, created_at = excluded.created_at, created_by = excluded.created_by
            """,
            new { name = exemption.CrateName, reason = exemption.Reason, expiresAt = UnixTime.ToMs(exemption.ExpiresAt), createdAt = UnixTime.ToMs(exemption.CreatedAt), createdBy = exemption.CreatedBy },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> RemoveExemptionAsync(string crateName, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM quarantine_exemptions WHERE crate_name = @crateName", new { crateName }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<DateTimeOffset> FirstSeenAsync(string upstream, string canonicalName, string version, DateTimeOffset now, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) =>
        {
            // ON CONFLICT DO NOTHING, then read: the first writer's time wins on every node.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO proxy_versions_first_seen (upstream, crate_name, version, first_seen_at) VALUES (@upstream, @canonicalName, @version, @now)
                ON CONFLICT (upstream, crate_name, version) DO NOTHING
                """, new { upstream, canonicalName, version, now = UnixTime.ToMs(now) }, transaction, cancellationToken: cancellationToken));
            return UnixTime.FromMs(await connection.QuerySingleAsync<long>(new CommandDefinition(
                "SELECT first_seen_at FROM proxy_versions_first_seen WHERE upstream = @upstream AND crate_name = @canonicalName AND version = @version",
                new { upstream, canonicalName, version }, transaction, cancellationToken: cancellationToken)));
        }, cancellationToken);
}
