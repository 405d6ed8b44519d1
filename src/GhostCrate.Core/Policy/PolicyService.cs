using System.Globalization;
using System.Text.RegularExpressions;
using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Policy;

/// <summary>
/// Changes to the stored download policy (docs/security.md#policy): an organization's threshold (its owners and
/// admins, or a site administrator), the advisory allow-list and quarantine exemptions (site administrators, or the
/// operator through the CLI: <c>caller</c> null). Every change is audited, and this node's
/// <see cref="DownloadPolicy"/> reloads before the call returns; other nodes follow the policy epoch.
/// </summary>
public sealed partial class PolicyService(
    IPolicyRepository repository,
    IOrganizationRepository orgs,
    DownloadPolicy policy,
    AuditLog audit,
    TimeProvider time)
{
    public const int MaxReasonLength = 500;

    /// <summary>The actor name audited for changes made with the CLI (it has the database's credentials).</summary>
    public const string CliActor = "cli";

    /// <summary>The organization's threshold (Off when it has none): its members and site administrators may read it.</summary>
    public async Task<Result<OrgPolicyView>> GetOrgPolicyAsync(Principal caller, string orgName, CancellationToken cancellationToken)
    {
        var org = await orgs.FindAsync(OrganizationService.Canonical(orgName), cancellationToken);
        if (org is null || (!caller.IsAdmin && await orgs.GetRoleAsync(org.Id, caller.UserId, cancellationToken) is null))
            return RegistryError.NotFound($"organization `{orgName}` does not exist");
        return Result<OrgPolicyView>.Ok(View(org, await repository.FindOrgPolicyAsync(org.Id, cancellationToken)));
    }

    /// <summary>Sets (or with <see cref="BlockThreshold.Off"/> removes) the organization's threshold: owners and admins.</summary>
    public async Task<Result<OrgPolicyView>> SetOrgPolicyAsync(Principal caller, string orgName, BlockThreshold threshold, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAccountManagement(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        var org = await orgs.FindAsync(OrganizationService.Canonical(orgName), cancellationToken);
        if (org is null) return RegistryError.NotFound($"organization `{orgName}` does not exist");
        if (!caller.IsAdmin)
        {
            var role = await orgs.GetRoleAsync(org.Id, caller.UserId, cancellationToken);
            if (role is null) return RegistryError.NotFound($"organization `{orgName}` does not exist");
            if (!role.Value.ManagesMembers()) return RegistryError.Forbidden($"your role in `{org.Name}` is {role.Value.ToStored()}; only owners and admins may change its download policy");
        }
        OrgDownloadPolicy? stored = null;
        if (threshold == BlockThreshold.Off)
        {
            if (await repository.RemoveOrgPolicyAsync(org.Id, cancellationToken))
                await audit.RecordAsync(caller, AuditActions.OrgPolicyRemoved, $"org:{org.Name}", cancellationToken);
        }
        else
        {
            stored = new OrgDownloadPolicy(org.Id, org.Name, threshold, time.GetUtcNow(), caller.Username);
            await repository.SetOrgPolicyAsync(stored, cancellationToken);
            await audit.RecordAsync(caller, AuditActions.OrgPolicySet, $"org:{org.Name}", Details(("block_severity", DownloadPolicy.Name(threshold))), cancellationToken);
        }
        await policy.RefreshAsync(cancellationToken);
        return Result<OrgPolicyView>.Ok(View(org, stored));
    }

    public async Task<Result<IReadOnlyList<AllowedAdvisory>>> ListAllowedAsync(Principal? caller, CancellationToken cancellationToken)
    {
        if (caller is not null && Guards.RequireAdmin(caller) is { } denied) return denied;
        return Result<IReadOnlyList<AllowedAdvisory>>.Ok([.. (await policy.SnapshotAsync(cancellationToken)).Allowed.Values.OrderBy(a => a.AdvisoryId, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Allows an advisory until the end of <paramref name="until"/> (UTC; the entry expires at the next midnight).
    /// The id need not be stored yet: an advisory can be accepted before the sync that brings it.
    /// </summary>
    public async Task<Result<AllowedAdvisory>> AllowAsync(Principal? caller, string advisoryId, string? reason, DateOnly until, CancellationToken cancellationToken)
    {
        if (caller is not null && Guards.RequireAdmin(caller) is { } denied) return denied;
        advisoryId = advisoryId.Trim();
        if (!AdvisoryId().IsMatch(advisoryId)) return RegistryError.BadRequest($"`{advisoryId}` is not an advisory id such as RUSTSEC-2021-0003");
        if (CheckReason(reason) is { } bad) return bad;
        var now = time.GetUtcNow();
        var expires = new DateTimeOffset(until.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (expires <= now) return RegistryError.BadRequest($"the date {Format(until)} is in the past; give the last day the advisory stays allowed");
        var entry = new AllowedAdvisory(advisoryId, reason!.Trim(), expires, now, caller?.Username ?? CliActor);
        await repository.SetAllowedAsync(entry, cancellationToken);
        await Record(caller, AuditActions.AdvisoryAllowed, advisoryId, Details(("reason", entry.Reason), ("until", Format(until))), cancellationToken);
        await policy.RefreshAsync(cancellationToken);
        return Result<AllowedAdvisory>.Ok(entry);
    }

    public async Task<Result<bool>> DisallowAsync(Principal? caller, string advisoryId, CancellationToken cancellationToken)
    {
        if (caller is not null && Guards.RequireAdmin(caller) is { } denied) return denied;
        advisoryId = advisoryId.Trim();
        if (!await repository.RemoveAllowedAsync(advisoryId, cancellationToken)) return RegistryError.NotFound($"`{advisoryId}` is not on the allow-list");
        await Record(caller, AuditActions.AdvisoryDisallowed, advisoryId, null, cancellationToken);
        await policy.RefreshAsync(cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<IReadOnlyList<QuarantineExemption>>> ListExemptionsAsync(Principal? caller, CancellationToken cancellationToken)
    {
        if (caller is not null && Guards.RequireAdmin(caller) is { } denied) return denied;
        return Result<IReadOnlyList<QuarantineExemption>>.Ok([.. (await policy.SnapshotAsync(cancellationToken)).Exemptions.Values.OrderBy(e => e.CrateName, StringComparer.Ordinal)]);
    }

    /// <summary>Lets fresh versions of a proxied crate through the quarantine until the end of <paramref name="until"/> (UTC).</summary>
    public async Task<Result<QuarantineExemption>> ExemptAsync(Principal? caller, string crateName, string? reason, DateOnly until, CancellationToken cancellationToken)
    {
        if (caller is not null && Guards.RequireAdmin(caller) is { } denied) return denied;
        crateName = crateName.Trim();
        if (crateName.Length is 0 or > CrateName.MaxLength || !crateName.All(CrateName.IsNameChar)) return RegistryError.BadRequest($"`{crateName}` is not a crate name");
        if (CheckReason(reason) is { } bad) return bad;
        var now = time.GetUtcNow();
        var expires = new DateTimeOffset(until.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (expires <= now) return RegistryError.BadRequest($"the date {Format(until)} is in the past; give the last day the exemption lasts");
        var exemption = new QuarantineExemption(CrateName.Canonicalize(crateName), reason!.Trim(), expires, now, caller?.Username ?? CliActor);
        await repository.SetExemptionAsync(exemption, cancellationToken);
        await Record(caller, AuditActions.QuarantineExempted, exemption.CrateName, Details(("reason", exemption.Reason), ("until", Format(until))), cancellationToken);
        await policy.RefreshAsync(cancellationToken);
        return Result<QuarantineExemption>.Ok(exemption);
    }

    public async Task<Result<bool>> RemoveExemptionAsync(Principal? caller, string crateName, CancellationToken cancellationToken)
    {
        if (caller is not null && Guards.RequireAdmin(caller) is { } denied) return denied;
        var canonical = CrateName.Canonicalize(crateName.Trim());
        if (!await repository.RemoveExemptionAsync(canonical, cancellationToken)) return RegistryError.NotFound($"`{crateName}` has no quarantine exemption");
        await Record(caller, AuditActions.QuarantineExemptionRemoved, canonical, null, cancellationToken);
        await policy.RefreshAsync(cancellationToken);
        return Result<bool>.Ok(true);
    }

    /// <summary>Parses a policy threshold as written in the API, the CLI and the settings (case-insensitive).</summary>
    public static bool TryParseThreshold(string? value, out BlockThreshold threshold)
    {
        threshold = BlockThreshold.Off;
        return value is not null && !int.TryParse(value, out _) && Enum.TryParse(value, ignoreCase: true, out threshold) && Enum.IsDefined(threshold);
    }

    private static OrgPolicyView View(OrganizationRecord org, OrgDownloadPolicy? stored) =>
        new(org.Name, stored?.BlockSeverity ?? BlockThreshold.Off, stored?.UpdatedAt, stored?.UpdatedBy);

    private static RegistryError? CheckReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? RegistryError.BadRequest("give a reason (it is shown on the allow-list and in the audit log)")
        : reason.Trim().Length > MaxReasonLength ? RegistryError.BadRequest($"the reason is longer than {MaxReasonLength} characters")
        : null;

    private Task Record(Principal? caller, string action, string target, Dictionary<string, string?>? details, CancellationToken cancellationToken) =>
        caller is null ? audit.RecordAnonymousAsync(CliActor, action, target, details, cancellationToken) : audit.RecordAsync(caller, action, target, details, cancellationToken);

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Dictionary<string, string?> Details(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    // RustSec ids (RUSTSEC-2021-0003) and the aliases people paste (CVE-2021-25900, GHSA-xxxx-xxxx-xxxx).
    [GeneratedRegex(@"^(?:[A-Z]+-\d{4}-\d{4,7}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$", RegexOptions.CultureInvariant)]
    private static partial Regex AdvisoryId();
}

/// <summary>An organization's download threshold as the API shows it.</summary>
public sealed record OrgPolicyView(string Org, BlockThreshold BlockSeverity, DateTimeOffset? UpdatedAt, string? UpdatedBy);
