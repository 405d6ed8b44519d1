namespace GhostCrate.Core.Advisories;

/// <summary>
/// One RustSec advisory as stored and shown (https://github.com/rustsec/advisory-db#advisory-format).
/// <see cref="Informational"/> is null for vulnerabilities; `unmaintained`, `unsound`, `notice` (or a future kind)
/// make it a warning rather than a vulnerability. <see cref="Score"/> is the score of the <see cref="Cvss"/> vector
/// (v3.x base score or v4.0 score, <see cref="CvssScore"/>), null without one; <see cref="Severity"/> its band.
/// </summary>
public sealed record Advisory(
    string Id,
    string Package,
    DateOnly Date,
    string Title,
    string Description,
    string? Url,
    string? Cvss,
    double? Score,
    AdvisorySeverity Severity,
    string? Informational,
    DateOnly? Withdrawn,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Related,
    IReadOnlyList<string> References,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Keywords,
    AdvisoryVersions Versions,
    AdvisoryAffected Affected)
{
    /// <summary>Withdrawn advisories were published in error: RustSec tools ignore them, and so do we.</summary>
    public bool IsWithdrawn => Withdrawn is not null;

    /// <summary>Informational advisories are warnings, not vulnerabilities (cargo-audit prints them as warnings).</summary>
    public bool IsWarning => Informational is not null;

    /// <summary>How pages, the CLI and the policy's refusals name its weight: "critical, CVSS 9.3", or "no CVSS score".</summary>
    public string Rating => Score is { } score ? $"{Severity.ToString().ToLowerInvariant()}, CVSS {CvssScore.Format(score)}" : "no CVSS score";
}

/// <summary>The `[affected]` table: narrows where the advisory applies, never which versions.</summary>
public sealed record AdvisoryAffected(
    IReadOnlyList<string> Os,
    IReadOnlyList<string> Arch,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Functions)
{
    public static AdvisoryAffected None { get; } = new([], [], new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>
/// Severity from the CVSS vector's score, with the bands of CVSS v3.1 §5 and v4.0 §6 (the same bands,
/// https://www.first.org/cvss/v4.0/specification-document#Qualitative-Severity-Rating-Scale).
/// <see cref="Unknown"/>: the advisory has no CVSS vector.
/// </summary>
public enum AdvisorySeverity
{
    Unknown = 0,
    None = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}
