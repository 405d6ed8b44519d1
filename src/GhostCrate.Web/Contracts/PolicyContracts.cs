using System.Globalization;
using System.Text.Json.Serialization;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;

namespace GhostCrate.Web.Contracts;

/// <summary>
/// An organization's download policy: versions of the crates it owns with an advisory at least `block_severity`
/// severe are refused (`off`, `none`, `low`, `medium`, `high`, `critical`).
/// </summary>
public sealed record OrgPolicyDto(
    [property: JsonPropertyName("org")] string Org,
    [property: JsonPropertyName("block_severity")] string BlockSeverity,
    [property: JsonPropertyName("updated_at")] DateTimeOffset? UpdatedAt,
    [property: JsonPropertyName("updated_by")] string? UpdatedBy)
{
    public static OrgPolicyDto Of(OrgPolicyView view) => new(view.Org, PolicyText.Threshold(view.BlockSeverity), view.UpdatedAt, view.UpdatedBy);
}

/// <summary>PUT body of an organization's policy.</summary>
public sealed record OrgPolicyBody([property: JsonPropertyName("block_severity")] string? BlockSeverity);

/// <summary>
/// An allowed advisory (or a quarantine exemption): `until` is the last day (UTC) it applies, `expires_at` the
/// instant it stops; `active` is false once that has passed (an expired entry stays listed until it is removed).
/// </summary>
public sealed record AllowedAdvisoryDto(
    [property: JsonPropertyName("advisory_id")] string AdvisoryId,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("until")] string Until,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("created_by")] string? CreatedBy)
{
    public static AllowedAdvisoryDto Of(AllowedAdvisory a, DateTimeOffset now) =>
        new(a.AdvisoryId, a.Reason, PolicyText.LastDay(a.ExpiresAt), a.ExpiresAt, a.IsActive(now), a.CreatedAt, a.CreatedBy);
}

public sealed record AllowedAdvisoriesResponse([property: JsonPropertyName("allowed")] IReadOnlyList<AllowedAdvisoryDto> Allowed);

/// <summary>A proxied crate let through the quarantine of fresh versions until the end of `until` (UTC).</summary>
public sealed record QuarantineExemptionDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("until")] string Until,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("created_by")] string? CreatedBy)
{
    public static QuarantineExemptionDto Of(QuarantineExemption e, DateTimeOffset now) =>
        new(e.CrateName, e.Reason, PolicyText.LastDay(e.ExpiresAt), e.ExpiresAt, e.IsActive(now), e.CreatedAt, e.CreatedBy);
}

public sealed record QuarantineExemptionsResponse([property: JsonPropertyName("exemptions")] IReadOnlyList<QuarantineExemptionDto> Exemptions);

/// <summary>PUT body of an allow-list entry or a quarantine exemption: why, and the last day (YYYY-MM-DD, UTC).</summary>
public sealed record AllowBody(
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("until")] string? Until);

internal static class PolicyText
{
    public static string Threshold(BlockThreshold threshold) => threshold.ToString().ToLowerInvariant();

    /// <summary>Entries expire at the midnight after their last day.</summary>
    public static string LastDay(DateTimeOffset expiresAt) =>
        DateOnly.FromDateTime(expiresAt.UtcDateTime.AddDays(-1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParseDay(string? value, out DateOnly day) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
