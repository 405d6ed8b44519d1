namespace GhostCrate.Core.Licenses;

/// <summary>
/// The licence of one version as stored at publish: the normalised expression (null when the crate declares only
/// `license-file`, or nothing: a "custom" licence) and the licences it names.
/// </summary>
public sealed record VersionLicense(string? Expression, IReadOnlyList<string> LicenseIds, bool Custom)
{
    public static VersionLicense Of(LicenseExpression? expression) =>
        expression is null ? new VersionLicense(null, [], true) : new VersionLicense(expression.Normalized, expression.LicenseIds, false);
}

/// <summary>An organization's stored policy (the lists and mode it applies to the crates it owns).</summary>
public sealed record OrgLicensePolicy(
    LicensePolicyMode Mode,
    IReadOnlyList<string> Allow,
    IReadOnlyList<string> Deny,
    bool AllowCustom,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy)
{
    public LicensePolicy ToPolicy(string orgName) => new($"the licence policy of organization `{orgName}`", Mode, Allow, Deny, AllowCustom);
}

/// <summary>One version in the licence report: where it comes from, what it declares (raw and as stored).</summary>
public sealed record LicensedVersionRow(
    string Crate,
    string Version,
    bool Yanked,
    /// <summary>`private` for published crates.</summary>
    string Source,
    /// <summary>The `license` field as published.</summary>
    string? DeclaredLicense,
    /// <summary>Whether a licence row was stored at publish (false for versions published before licences were stored).</summary>
    bool Stored,
    string? Expression,
    IReadOnlyList<string> LicenseIds,
    bool Custom);

/// <summary>Port for stored version licences, organization policies and the report's rows.</summary>
public interface ILicenseRepository
{
    /// <summary>The policies of the organizations that own the crate directly or through one of their teams.</summary>
    Task<IReadOnlyList<(string OrgName, OrgLicensePolicy Policy)>> ListPoliciesForCrateAsync(long crateId, CancellationToken cancellationToken);

    Task<OrgLicensePolicy?> GetOrgPolicyAsync(long orgId, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the organization's policy.</summary>
    Task SetOrgPolicyAsync(long orgId, OrgLicensePolicy policy, long updatedBy, CancellationToken cancellationToken);

    /// <summary>False when the organization had no policy.</summary>
    Task<bool> DeleteOrgPolicyAsync(long orgId, CancellationToken cancellationToken);

    /// <summary>
    /// Every private version with its stored licence; with <paramref name="license"/>, the rows that may name it (the
    /// caller filters exactly: versions without a stored row are always returned, their licence is parsed by Core).
    /// </summary>
    Task<IReadOnlyList<LicensedVersionRow>> ListVersionsAsync(string? license, CancellationToken cancellationToken);
}
