using System.Globalization;
using System.Text.Json.Serialization;
using GhostCrate.Core.Advisories;

namespace GhostCrate.Web.Contracts;

/// <summary>
/// One RustSec advisory. `kind` is `vulnerability`, or the informational kind (`unmaintained`, `unsound`, `notice`)
/// for warnings; `cvss_score` is the score of the `cvss` vector (v3.x base score, or v4.0 score), `severity` its band
/// (`unknown` without a vector).
/// </summary>
public sealed record AdvisoryDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("package")] string Package,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("cvss")] string? Cvss,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("patched")] IReadOnlyList<string> Patched,
    [property: JsonPropertyName("unaffected")] IReadOnlyList<string> Unaffected,
    [property: JsonPropertyName("withdrawn")] string? Withdrawn,
    [property: JsonPropertyName("cvss_score")] double? CvssScore)
{
    public static AdvisoryDto Of(Advisory a) => new(
        a.Id, a.Package, a.Title, a.Description, Day(a.Date), a.Informational ?? "vulnerability",
        a.Severity.ToString().ToLowerInvariant(), a.Cvss,
        // RustSec's own page for the advisory; the advisory's `url` is the upstream report and may be absent.
        a.Url ?? $"https://rustsec.org/advisories/{a.Id}.html",
        a.Aliases, a.Versions.Patched, a.Versions.Unaffected, a.Withdrawn is { } w ? Day(w) : null, a.Score);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A version of the crate this registry holds that an advisory affects; `source` is `private`, `proxy:NAME` or `mirror`.</summary>
public sealed record AffectedVersionDto(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("advisory_id")] string AdvisoryId);

public sealed record CrateAdvisoriesResponse(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("advisories")] IReadOnlyList<AdvisoryDto> Advisories,
    [property: JsonPropertyName("affected")] IReadOnlyList<AffectedVersionDto> Affected);

/// <summary>One advisory affecting one locked package, with cargo-audit's solution line.</summary>
public sealed record AuditFindingDto(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("advisory")] AdvisoryDto Advisory,
    [property: JsonPropertyName("solution")] string Solution);

public sealed record AuditResponse(
    [property: JsonPropertyName("packages")] int Packages,
    [property: JsonPropertyName("vulnerabilities")] int Vulnerabilities,
    [property: JsonPropertyName("warnings")] int Warnings,
    [property: JsonPropertyName("findings")] IReadOnlyList<AuditFindingDto> Findings);

/// <summary>One published version (crates.io's `GET /api/v1/crates/{name}/{version}` shape) with its advisories and content flags.</summary>
public sealed record VersionDetail(
    [property: JsonPropertyName("crate")] string Crate,
    [property: JsonPropertyName("num")] string Num,
    [property: JsonPropertyName("yanked")] bool Yanked,
    [property: JsonPropertyName("checksum")] string Checksum,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("downloads")] long Downloads,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("license")] string? License,
    [property: JsonPropertyName("advisories")] IReadOnlyList<AdvisoryDto> Advisories,
    [property: JsonPropertyName("content_flags")] IReadOnlyList<ContentFlagDto> ContentFlags,
    /// <summary>`license` as SPDX (docs/security.md, "Licences"): normalised, null when it declares none or is not valid.</summary>
    [property: JsonPropertyName("license_expression")] string? LicenseExpression = null,
    [property: JsonPropertyName("license_ids")] IReadOnlyList<string>? LicenseIds = null,
    /// <summary>Why an owner yanked it (crates.io's `yank_message`); null when not yanked or no reason was given.</summary>
    [property: JsonPropertyName("yank_message")] string? YankMessage = null);

public sealed record VersionResponse([property: JsonPropertyName("version")] VersionDetail Version);
