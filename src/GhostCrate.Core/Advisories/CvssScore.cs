using System.Globalization;
using GhostCrate.Core.Advisories.Cvss;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// The score of a RustSec advisory's `cvss` vector and its qualitative severity. RustSec's advisory format allows
/// CVSS v3.0, v3.1 and v4.0 vectors (its `rustsec` crate refuses others); each is scored as its own specification
/// says: <see cref="Cvss3Score"/> (v3.x base score) and <see cref="Cvss4Score"/> (v4.0, MacroVectors).
/// </summary>
public static class CvssScore
{
    /// <summary>The score of a valid vector, or null with the reason (naming the version and the metric at fault).</summary>
    public static double? Score(string vector, out string? error)
    {
        ArgumentNullException.ThrowIfNull(vector);
        error = null;
        if (vector.Length > Cvss4Vector.MaxLength) { error = $"longer than {Cvss4Vector.MaxLength} characters, more than any CVSS vector"; return null; }
        var version = vector.Split('/')[0];
        switch (version)
        {
            case "CVSS:3.0" or "CVSS:3.1":
                return Cvss3Score.TryScore(vector, out error) is { } v3 ? v3 : Refuse(version, error, out error);
            case Cvss4Vector.Prefix:
                return Cvss4Vector.TryParse(vector, out error) is { } v4 ? Cvss4Score.Score(v4) : Refuse(version, error, out error);
            default:
                error = $"not a CVSS vector RustSec advisories use: `{version}` is none of CVSS:3.0, CVSS:3.1, CVSS:4.0";
                return null;
        }
    }

    private static double? Refuse(string version, string? reason, out string? error)
    {
        error = $"not a valid {version} vector: {reason}";
        return null;
    }

    public static bool TryScore(string vector, out double score)
    {
        var scored = Score(vector, out _);
        score = scored ?? 0;
        return scored is not null;
    }

    /// <summary>The severity of a vector's score; <see cref="AdvisorySeverity.Unknown"/> without a valid vector.</summary>
    public static AdvisorySeverity SeverityOf(string? vector) =>
        vector is not null && Score(vector, out _) is { } score ? Band(score) : AdvisorySeverity.Unknown;

    /// <summary>
    /// The qualitative rating of a score: CVSS v4.0 §6 and v3.1 §5 use the same bands (none 0.0, low 0.1-3.9,
    /// medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0).
    /// </summary>
    public static AdvisorySeverity Band(double score) => score switch
    {
        0 => AdvisorySeverity.None,
        < 4.0 => AdvisorySeverity.Low,
        < 7.0 => AdvisorySeverity.Medium,
        < 9.0 => AdvisorySeverity.High,
        _ => AdvisorySeverity.Critical,
    };

    public static string Format(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);
}
