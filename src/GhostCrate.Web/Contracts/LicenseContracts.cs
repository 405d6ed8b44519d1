using System.Text.Json.Serialization;
using GhostCrate.Core.Licenses;

namespace GhostCrate.Web.Contracts;

/// <summary>An organization's licence policy (docs/security.md, "Licences"); `policy` is null when it has none.</summary>
public sealed record OrgLicensePolicyResponse(
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("policy")] LicensePolicyDto? Policy);

public sealed record LicensePolicyDto(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("allow")] IReadOnlyList<string> Allow,
    [property: JsonPropertyName("deny")] IReadOnlyList<string> Deny,
    [property: JsonPropertyName("allow_custom")] bool AllowCustom,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt,
    [property: JsonPropertyName("updated_by")] string? UpdatedBy)
{
    public static LicensePolicyDto Of(OrgLicensePolicy policy) =>
        new(Modes.Name(policy.Mode), policy.Allow, policy.Deny, policy.AllowCustom, policy.UpdatedAt, policy.UpdatedBy);

    public static LicensePolicyDto Of(LicensePolicy policy) =>
        new(Modes.Name(policy.Mode), policy.Allow, policy.Deny, policy.AllowCustom, null, null);
}

/// <summary>PUT body of an organization's licence policy. Omitted lists are empty; omitted `allow_custom` is true.</summary>
public sealed record LicensePolicyBody(
    [property: JsonPropertyName("mode")] string? Mode,
    [property: JsonPropertyName("allow")] IReadOnlyList<string>? Allow,
    [property: JsonPropertyName("deny")] IReadOnlyList<string>? Deny,
    [property: JsonPropertyName("allow_custom")] bool? AllowCustom);

/// <summary>The report: licences in use with their counts, and every version with the registry policy's verdict.</summary>
public sealed record LicenseReportResponse(
    [property: JsonPropertyName("policy")] LicensePolicyDto Policy,
    [property: JsonPropertyName("spdx_list")] string SpdxList,
    [property: JsonPropertyName("licenses")] IReadOnlyList<LicenseCountDto> Licenses,
    [property: JsonPropertyName("versions")] IReadOnlyList<LicensedVersionDto> Versions);

/// <summary>`allowed` is the registry policy's verdict on the licence alone (null for `custom` and `invalid`).</summary>
public sealed record LicenseCountDto(
    [property: JsonPropertyName("license")] string License,
    [property: JsonPropertyName("versions")] int Versions,
    [property: JsonPropertyName("allowed")] bool? Allowed);

public sealed record LicensedVersionDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("yanked")] bool Yanked,
    [property: JsonPropertyName("license")] string? License,
    [property: JsonPropertyName("expression")] string? Expression,
    [property: JsonPropertyName("license_ids")] IReadOnlyList<string> LicenseIds,
    [property: JsonPropertyName("custom")] bool Custom,
    [property: JsonPropertyName("allowed")] bool Allowed,
    [property: JsonPropertyName("reason")] string? Reason)
{
    public static LicensedVersionDto Of(LicenseReportRow row) => new(
        row.Version.Crate, row.Version.Version, row.Version.Source, row.Version.Yanked, row.Version.DeclaredLicense,
        row.Version.Expression, row.Version.LicenseIds, row.Version.Custom, row.Verdict.IsAllowed, row.Verdict.Reason);
}

public static class Modes
{
    public static string Name(LicensePolicyMode mode) => mode == LicensePolicyMode.Refuse ? "refuse" : "warn";

    public static bool TryParse(string? value, out LicensePolicyMode mode)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "refuse": mode = LicensePolicyMode.Refuse; return true;
            case "warn": mode = LicensePolicyMode.Warn; return true;
            default: mode = default; return false;
        }
    }
}
