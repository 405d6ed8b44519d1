namespace GhostCrate.Core.Advisories;

/// <summary>
/// One RustSec advisory as stored and shown (https://github.com/rustsec/advisory-db#advisory-format).
/// <see cref="Informational"/> is null for vulnerabilities; `unmaintained`, `unsound`, `notice` (or a future kind)
/// make it a warning rather than a vulnerability.
/// </summary>
public sealed record Advisory(
    string Id,
    string Package,
    DateOnly Date,
    string Title,
    string Description,
    string? Url,
    string? Cvss,
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
/// Severity from the CVSS vector's base score, with the bands of CVSS v3.1 §5
/// (https://www.first.org/cvss/v3.1/specification-document#Qualitative-Severity-Rating-Scale).
/// <see cref="Unknown"/>: no vector, or a version whose score we do not compute (CVSS 4.0).
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
