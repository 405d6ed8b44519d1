using System.Data.Common;
using System.Text.Json;
using Dapper;
using GhostCrate.Core.Licenses;
using GhostCrate.Data.Connections;

namespace GhostCrate.Data.Licenses;

/// <summary>Stored version licences (migration 0017), organizations' licence policies and the report's rows.</summary>
internal sealed class LicenseRepository(IDbConnectionFactory factory) : ILicenseRepository
{
    /// <summary>Written by the publish transaction (CratePublisher), so a version never exists without its licence row.</summary>
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, long versionId, VersionLicense license, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO version_licenses (version_id, expression, license_ids, custom) VALUES (@versionId, @expression, @ids, @custom)",
            new { versionId, expression = license.Expression, ids = JoinIds(license.LicenseIds), custom = license.Custom ? 1 : 0 },
            transaction, cancellationToken: cancellationToken));

    public Task<IReadOnlyList<(string OrgName, OrgLicensePolicy Policy)>> ListPoliciesForCrateAsync(long crateId, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<(string, OrgLicensePolicy)>>(async connection =>
        {
            var rows = await connection.QueryAsync<PolicyRow>(new CommandDefinition(
                $"""
                SELECT o.name AS OrgName, {PolicyColumns}
                FROM org_license_policies p JOIN organizations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.updated_by
                WHERE p.org_id IN (SELECT org_id FROM crate_org_owners WHERE crate_id = @crateId
                                   UNION SELECT t.org_id FROM crate_team_owners ct JOIN teams t ON t.id = ct.team_id WHERE ct.crate_id = @crateId)
                ORDER BY o.name
                """,
                new { crateId }, cancellationToken: cancellationToken));
            return rows.Select(r => (r.OrgName!, r.ToPolicy())).ToList();
        }, cancellationToken);

    public Task<OrgLicensePolicy?> GetOrgPolicyAsync(long orgId, CancellationToken cancellationToken) =>
        factory.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<PolicyRow>(new CommandDefinition(
                $"SELECT NULL AS OrgName, {PolicyColumns} FROM org_license_policies p LEFT JOIN users u ON u.id = p.updated_by WHERE p.org_id = @orgId",
                new { orgId }, cancellationToken: cancellationToken));
            return row?.ToPolicy();
        }, cancellationToken);

    public Task SetOrgPolicyAsync(long orgId, OrgLicensePolicy policy, long updatedBy, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO org_license_policies (org_id, mode, allow_list, deny_list, allow_custom, updated_at, updated_by)
            VALUES (@orgId, @mode, @allow, @deny, @allowCustom, @updatedAt, @updatedBy)
            ON CONFLICT (org_id) DO UPDATE SET mode = excluded.mode, allow_list = excluded.allow_list, deny_list = excluded.deny_list,
                allow_custom = excluded.allow_custom, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            new
            {
                orgId, mode = policy.Mode.ToString(), allow = JsonSerializer.Serialize(policy.Allow), deny = JsonSerializer.Serialize(policy.Deny),
                allowCustom = policy.AllowCustom ? 1 : 0, updatedAt = UnixTime.ToMs(policy.UpdatedAt), updatedBy,
            },
            transaction, cancellationToken: cancellationToken)), cancellationToken);

    public Task<bool> DeleteOrgPolicyAsync(long orgId, CancellationToken cancellationToken) =>
        factory.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM org_license_policies WHERE org_id = @orgId", new { orgId }, transaction, cancellationToken: cancellationToken)) > 0, cancellationToken);

    public Task<IReadOnlyList<LicensedVersionRow>> ListVersionsAsync(string? license, CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<LicensedVersionRow>>(async connection =>
        {
            // Narrowed by LIKE on the space-delimited ids (Core filters exactly: LIKE ignores case on SQLite). Licence ids
            // contain no `%` or `_`; `custom` and `invalid` are Core's names for rows without ids, so those are not narrowed.
            var narrow = license is null or LicenseService.CustomLicense or LicenseService.InvalidLicense || license.Contains('%') || license.Contains('_')
                ? ""
                : "WHERE vl.version_id IS NULL OR vl.license_ids LIKE @pattern";
            var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(
                $"""
                SELECT c.name AS Crate, v.num AS Version, v.yanked AS Yanked, v.license AS DeclaredLicense,
                       vl.version_id AS StoredId, vl.expression AS Expression, vl.license_ids AS LicenseIds, vl.custom AS Custom
                FROM versions v JOIN crates c ON c.id = v.crate_id LEFT JOIN version_licenses vl ON vl.version_id = v.id
                {narrow}
                ORDER BY c.canonical_name, v.id
                """,
                new { pattern = $"% {license} %" }, cancellationToken: cancellationToken));
            return rows.Select(r => new LicensedVersionRow(
                r.Crate!, r.Version!, r.Yanked != 0, "private", r.DeclaredLicense, r.StoredId is not null, r.Expression,
                SplitIds(r.LicenseIds), r.Custom == 1)).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<ForeignCrateFile>> ListProxiedFilesAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<ForeignCrateFile>>(async connection =>
        {
            var rows = await connection.QueryAsync<(string Upstream, string Name, string Version, string Checksum)>(new CommandDefinition(
                "SELECT upstream, crate_name, version, checksum FROM proxy_crate_files ORDER BY upstream, crate_name, version",
                cancellationToken: cancellationToken));
            return [.. rows.Select(r => new ForeignCrateFile(Core.Advisories.VersionSources.Proxy(r.Upstream), r.Name, r.Version, r.Checksum))];
        }, cancellationToken);

    public Task<IReadOnlyList<ForeignLicense>> ListForeignLicensesAsync(CancellationToken cancellationToken) =>
        factory.ReadAsync<IReadOnlyList<ForeignLicense>>(async connection =>
        {
            var rows = await connection.QueryAsync<(string Source, string Name, string Version, string Checksum, string? Declared)>(new CommandDefinition(
                "SELECT source, crate_name, version, checksum, declared FROM foreign_version_licenses",
                cancellationToken: cancellationToken));
            return [.. rows.Select(r => new ForeignLicense(r.Source, r.Name, r.Version, r.Checksum, r.Declared))];
        }, cancellationToken);

    // Two nodes reading the same file write the same row; a different file (checksum) replaces the older reading.
    public Task RecordForeignLicenseAsync(ForeignLicense license, CancellationToken cancellationToken) =>
        factory.WriteAsync((connection, transaction) => connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO foreign_version_licenses (source, crate_name, version, checksum, declared)
            VALUES (@Source, @CrateName, @Version, @Checksum, @Declared)
            ON CONFLICT (source, crate_name, version) DO UPDATE SET checksum = excluded.checksum, declared = excluded.declared
            """,
            license, transaction, cancellationToken: cancellationToken)), cancellationToken);

    private const string PolicyColumns =
        "p.mode AS Mode, p.allow_list AS AllowList, p.deny_list AS DenyList, p.allow_custom AS AllowCustom, p.updated_at AS UpdatedAt, u.username AS UpdatedBy";

    private static string JoinIds(IReadOnlyList<string> ids) => ids.Count == 0 ? " " : $" {string.Join(' ', ids)} ";

    private static IReadOnlyList<string> SplitIds(string? ids) =>
        ids is null ? [] : ids.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private sealed class PolicyRow
    {
        public string? OrgName { get; init; }
        public string Mode { get; init; } = "";
        public string AllowList { get; init; } = "[]";
        public string DenyList { get; init; } = "[]";
        public long AllowCustom { get; init; }
        public long UpdatedAt { get; init; }
        public string? UpdatedBy { get; init; }

        public OrgLicensePolicy ToPolicy() => new(
            Enum.TryParse<LicensePolicyMode>(Mode, out var mode) ? mode : LicensePolicyMode.Refuse,
            JsonSerializer.Deserialize<List<string>>(AllowList) ?? [],
            JsonSerializer.Deserialize<List<string>>(DenyList) ?? [],
            AllowCustom != 0,
            UnixTime.FromMs(UpdatedAt),
            UpdatedBy);
    }

    private sealed class VersionRow
    {
        public string? Crate { get; init; }
        public string? Version { get; init; }
        public long Yanked { get; init; }
        public string? DeclaredLicense { get; init; }
        public long? StoredId { get; init; }
        public string? Expression { get; init; }
        public string? LicenseIds { get; init; }
        public long Custom { get; init; }
    }
}
