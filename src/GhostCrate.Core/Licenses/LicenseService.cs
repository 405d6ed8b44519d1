using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Licenses;

/// <summary>What the licence check decided for one publish: the licence to store and the warnings to return.</summary>
public sealed record LicenseCheck(VersionLicense License, IReadOnlyList<string> Warnings);

/// <summary>
/// Licences (docs/security.md, "Licences"): the publish-time check against the registry's and the owning
/// organizations' policies, the organizations' policies themselves, and the report of licences in use.
/// </summary>
public sealed class LicenseService(
    ILicenseRepository store,
    ForeignLicenses foreign,
    IOrganizationRepository orgs,
    IOptions<LicenseOptions> options,
    AuditLog audit,
    TimeProvider time)
{
    private const string ManifestHelp = "https://doc.rust-lang.org/cargo/reference/manifest.html#the-license-and-license-file-fields";

    public LicensePolicy RegistryPolicy => options.Value.ToPolicy();

    /// <summary>
    /// The check of a publish, before anything is written. An invalid expression is refused (crates.io refuses it
    /// too); a licence that a policy in mode Refuse does not allow is refused; one that a policy in mode Warn does not
    /// allow becomes a warning. <paramref name="existing"/> is null for a new crate, which no organization owns yet.
    /// </summary>
    public async Task<Result<LicenseCheck>> CheckPublishAsync(string crateName, string? license, CrateRecord? existing, CancellationToken cancellationToken)
    {
        LicenseExpression? expression = null;
        if (!string.IsNullOrWhiteSpace(license))
        {
            var parsed = LicenseExpressionParser.Parse(license);
            if (parsed.Error is { } error)
                return RegistryError.BadRequest($"unknown or invalid license expression `{license}` of crate `{crateName}`: {error.Message}; see {ManifestHelp}");
            expression = parsed.Expression;
        }

        var policies = new List<LicensePolicy> { RegistryPolicy };
        if (existing is not null)
        {
            foreach (var (orgName, policy) in await store.ListPoliciesForCrateAsync(existing.Id, cancellationToken))
                policies.Add(policy.ToPolicy(orgName));
        }

        var warnings = new List<string>();
        foreach (var policy in policies)
        {
            var verdict = policy.Evaluate(expression);
            if (verdict.IsAllowed) continue;
            if (policy.Mode == LicensePolicyMode.Refuse)
                return RegistryError.BadRequest($"{verdict.Reason}. Publish refused: choose a licence the policy allows, or ask an administrator");
            warnings.Add($"{verdict.Reason} (published anyway: the policy only warns)");
        }
        return Result<LicenseCheck>.Ok(new LicenseCheck(VersionLicense.Of(expression), warnings));
    }

    /// <summary>An organization's policy; members of the organization and site administrators may read it.</summary>
    public async Task<Result<OrgLicensePolicy?>> GetOrgPolicyAsync(Principal caller, string org, CancellationToken cancellationToken)
    {
        var found = await FindOrgAsync(caller, org, manage: false, cancellationToken);
        if (found.Error is { } error) return error;
        return Result<OrgLicensePolicy?>.Ok(await store.GetOrgPolicyAsync(found.Value!.Id, cancellationToken));
    }

    /// <summary>Sets an organization's policy (owners and admins of the organization, or site administrators). Audited.</summary>
    public async Task<Result<OrgLicensePolicy>> SetOrgPolicyAsync(
        Principal caller, string org, LicensePolicyMode mode, IReadOnlyList<string> allow, IReadOnlyList<string> deny, bool allowCustom, CancellationToken cancellationToken)
    {
        var found = await FindOrgAsync(caller, org, manage: true, cancellationToken);
        if (found.Error is { } error) return error;
        const int MaxEntries = 500;
        if (allow.Count + deny.Count > MaxEntries) return RegistryError.BadRequest($"a licence policy holds at most {MaxEntries} entries");
        foreach (var entry in allow.Concat(deny))
        {
            if (LicensePolicy.ValidateEntry(entry) is { } invalid) return RegistryError.BadRequest(invalid);
        }
        var organization = found.Value!;
        var policy = new OrgLicensePolicy(mode, allow.Distinct(StringComparer.Ordinal).ToList(), deny.Distinct(StringComparer.Ordinal).ToList(), allowCustom, time.GetUtcNow(), caller.Username);
        await store.SetOrgPolicyAsync(organization.Id, policy, caller.UserId, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.OrgLicensePolicySet, $"org:{organization.Name}", new Dictionary<string, string?>
        {
            ["mode"] = mode.ToString(),
            ["allow"] = string.Join(' ', policy.Allow),
            ["deny"] = string.Join(' ', policy.Deny),
            ["allow_custom"] = allowCustom ? "true" : "false",
        }, cancellationToken);
        return Result<OrgLicensePolicy>.Ok(policy);
    }

    public async Task<Result<bool>> DeleteOrgPolicyAsync(Principal caller, string org, CancellationToken cancellationToken)
    {
        var found = await FindOrgAsync(caller, org, manage: true, cancellationToken);
        if (found.Error is { } error) return error;
        // Idempotent: removing a policy that is not there is not an error (and not audited: nothing changed).
        if (!await store.DeleteOrgPolicyAsync(found.Value!.Id, cancellationToken)) return Result<bool>.Ok(false);
        await audit.RecordAsync(caller, AuditActions.OrgLicensePolicyRemoved, $"org:{found.Value.Name}", cancellationToken);
        return Result<bool>.Ok(true);
    }

    /// <summary>
    /// The report (administrators): every version in use, private, proxied (cached by the proxy) and mirrored (served
    /// by the offline mirror), with its licences and the registry policy's verdict.
    /// </summary>
    public async Task<Result<LicenseReport>> ReportAsync(Principal caller, string? license, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        license = string.IsNullOrWhiteSpace(license) ? null : license.Trim();
        var policy = RegistryPolicy;
        var rows = new List<LicenseReportRow>();
        foreach (var row in (await store.ListVersionsAsync(license, cancellationToken)).Concat(await foreign.ListAsync(cancellationToken)))
        {
            var resolved = row.Stored ? row : Resolve(row);
            var expression = resolved.Expression is null ? null : LicenseExpressionParser.Parse(resolved.Expression).Expression;
            // An unparsable licence of an old version (published before the check) is reported as such, never as allowed.
            var verdict = resolved.Expression is not null && expression is null
                ? new LicenseVerdict(false, [], $"`{resolved.Expression}` is not a valid SPDX expression")
                : policy.Evaluate(expression);
            if (license is not null && !Names(resolved, license)) continue;
            rows.Add(new LicenseReportRow(resolved, verdict));
        }
        rows.Sort((a, b) => string.CompareOrdinal(a.Version.Crate, b.Version.Crate) is var byName and not 0 ? byName
            : string.CompareOrdinal(a.Version.Version, b.Version.Version) is var byVersion and not 0 ? byVersion
            : string.CompareOrdinal(a.Version.Source, b.Version.Source));
        var counts = rows
            .SelectMany(r => r.Version.Custom ? [CustomLicense] : r.Version.Expression is not null && r.Version.LicenseIds.Count == 0 ? [InvalidLicense] : r.Version.LicenseIds)
            .GroupBy(id => id, StringComparer.Ordinal)
            .Select(g => new LicenseCount(g.Key, g.Count(), g.Key is CustomLicense or InvalidLicense ? null : policy.Evaluate(LicenseExpressionParser.Parse(g.Key).Expression).IsAllowed))
            .OrderByDescending(c => c.Versions).ThenBy(c => c.License, StringComparer.Ordinal)
            .ToList();
        return Result<LicenseReport>.Ok(new LicenseReport(rows, counts, policy));
    }

    /// <summary>How the report names versions without an SPDX licence (only `license-file`, or none).</summary>
    public const string CustomLicense = "custom";

    /// <summary>How the report names versions whose `license` is not a valid expression (published before the check).</summary>
    public const string InvalidLicense = "invalid";

    private static bool Names(LicensedVersionRow row, string license) =>
        license == CustomLicense ? row.Custom
        : license == InvalidLicense ? row.Expression is not null && row.LicenseIds.Count == 0
        : row.LicenseIds.Contains(license, StringComparer.Ordinal);

    /// <summary>A version published before licences were stored: parse what it declared, as a publish would now.</summary>
    private static LicensedVersionRow Resolve(LicensedVersionRow row)
    {
        if (string.IsNullOrWhiteSpace(row.DeclaredLicense)) return row with { Expression = null, LicenseIds = [], Custom = true };
        var parsed = LicenseExpressionParser.Parse(row.DeclaredLicense);
        return parsed.Expression is { } expression
            ? row with { Expression = expression.Normalized, LicenseIds = expression.LicenseIds, Custom = false }
            : row with { Expression = row.DeclaredLicense, LicenseIds = [], Custom = false };
    }

    private async Task<Result<OrganizationRecord>> FindOrgAsync(Principal caller, string name, bool manage, CancellationToken cancellationToken)
    {
        if (manage && (Guards.RequireAccountManagement(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        var org = await orgs.FindAsync(OrganizationService.Canonical(name), cancellationToken);
        if (org is null) return RegistryError.NotFound($"organization `{name}` does not exist");
        if (caller.IsAdmin) return Result<OrganizationRecord>.Ok(org);
        var role = await orgs.GetRoleAsync(org.Id, caller.UserId, cancellationToken);
        // Non-members learn nothing about the organization, as with its other routes.
        if (role is null) return RegistryError.NotFound($"organization `{name}` does not exist");
        if (manage && !role.Value.ManagesMembers())
            return RegistryError.Forbidden($"your role in `{org.Name}` is {role.Value.ToStored()}; only owners and admins may change its licence policy");
        return Result<OrganizationRecord>.Ok(org);
    }
}

/// <summary>One version of the report with the registry policy's verdict on it.</summary>
public sealed record LicenseReportRow(LicensedVersionRow Version, LicenseVerdict Verdict);

/// <summary>How many versions use one licence (or `custom`, `invalid`), and whether the registry policy allows it alone.</summary>
public sealed record LicenseCount(string License, int Versions, bool? Allowed);

public sealed record LicenseReport(IReadOnlyList<LicenseReportRow> Rows, IReadOnlyList<LicenseCount> Counts, LicensePolicy Policy);
