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
    /// <summary>`private` for published crates, `proxy:&lt;upstream&gt;` and `mirror` for the others (Advisories.VersionSources).</summary>
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

    /// <summary>Every .crate the proxy has cached, as a <see cref="ForeignCrateFile"/> of source `proxy:&lt;upstream&gt;`.</summary>
    Task<IReadOnlyList<ForeignCrateFile>> ListProxiedFilesAsync(CancellationToken cancellationToken);

    /// <summary>The licences read so far from proxied and mirrored .crate files (migration 0029).</summary>
    Task<IReadOnlyList<ForeignLicense>> ListForeignLicensesAsync(CancellationToken cancellationToken);

    /// <summary>Stores (or replaces, for a different file) the licence read from one proxied or mirrored .crate.</summary>
    Task RecordForeignLicenseAsync(ForeignLicense license, CancellationToken cancellationToken);
}

/// <summary>
/// A .crate this registry serves but did not have published to it: <see cref="Source"/> is `proxy:&lt;upstream&gt;`
/// or `mirror`; <see cref="CrateName"/> is the lower-case name its files go by; <see cref="Checksum"/> its SHA-256.
/// </summary>
public sealed record ForeignCrateFile(string Source, string CrateName, string Version, string Checksum);

/// <summary>The `license` read from a <see cref="ForeignCrateFile"/>'s Cargo.toml (null: it declares none).</summary>
public sealed record ForeignLicense(string Source, string CrateName, string Version, string Checksum, string? Declared);

/// <summary>
/// Port to the offline mirror the server serves (implemented by GhostCrate.Mirror): the versions it serves and their
/// .crate files, for the licence report and the advisory findings. Empty when no mirror is served.
/// </summary>
public interface IMirroredCrateFiles
{
    /// <summary>Every served version whose .crate is present, with the checksum its index line gives.</summary>
    IReadOnlyList<ForeignCrateFile> List();

    /// <summary>The served versions (file present) of the named crates (canonical names), reading only their index files.</summary>
    IReadOnlyList<ForeignCrateFile> Versions(IReadOnlyCollection<string> canonicalNames);

    /// <summary>The .crate of a listed version, or null when it is gone.</summary>
    Stream? Open(ForeignCrateFile file);
}
