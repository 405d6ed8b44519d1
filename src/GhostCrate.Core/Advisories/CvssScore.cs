using System.Globalization;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// The CVSS v3.0/v3.1 base score of a vector string and its qualitative severity
/// (https://www.first.org/cvss/v3.1/specification-document §7.1 formulas, Appendix A rounding, §5 bands).
/// CVSS 4.0 scores come from a large lookup table (MacroVectors); they are stored as vectors with an
/// <see cref="AdvisorySeverity.Unknown"/> severity until that table is vendored.
/// </summary>
public static class CvssScore
{
    public static AdvisorySeverity SeverityOf(string? vector)
    {
        if (vector is null || !TryBaseScore(vector, out var score)) return AdvisorySeverity.Unknown;
        return score switch
        {
            0 => AdvisorySeverity.None,
            < 4.0 => AdvisorySeverity.Low,
            < 7.0 => AdvisorySeverity.Medium,
            < 9.0 => AdvisorySeverity.High,
            _ => AdvisorySeverity.Critical,
        };
    }

    public static bool TryBaseScore(string vector, out double score)
    {
        score = 0;
        if (vector.Length > 256) return false;
        var parts = vector.Split('/');
        if (parts.Length == 0 || parts[0] is not ("CVSS:3.0" or "CVSS:3.1")) return false;
        var m = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parts.Skip(1))
        {
            var colon = p.IndexOf(':');
            if (colon <= 0 || !m.TryAdd(p[..colon], p[(colon + 1)..])) return false;
        }
        if (!m.TryGetValue("S", out var s) || s is not ("U" or "C")) return false;
        var changed = s == "C";
        double? av = Get(m, "AV") switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, "P" => 0.2, _ => null };
        double? ac = Get(m, "AC") switch { "L" => 0.77, "H" => 0.44, _ => null };
        double? pr = Get(m, "PR") switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, "H" => changed ? 0.5 : 0.27, _ => null };
        double? ui = Get(m, "UI") switch { "N" => 0.85, "R" => 0.62, _ => null };
        double? c = Cia(Get(m, "C")), i = Cia(Get(m, "I")), a = Cia(Get(m, "A"));
        if (av is null || ac is null || pr is null || ui is null || c is null || i is null || a is null) return false;

        var iss = 1 - ((1 - c.Value) * (1 - i.Value) * (1 - a.Value));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av.Value * ac.Value * pr.Value * ui.Value;
        if (impact <= 0) return true;
        score = RoundUp(Math.Min((changed ? 1.08 : 1.0) * (impact + exploitability), 10));
        return true;
    }

    private static string? Get(Dictionary<string, string> m, string key) => m.TryGetValue(key, out var v) ? v : null;

    private static double? Cia(string? v) => v switch { "H" => 0.56, "L" => 0.22, "N" => 0.0, _ => null };

    /// <summary>CVSS v3.1 Appendix A: round up to one decimal, in integers to avoid floating-point artefacts.</summary>
    private static double RoundUp(double value)
    {
        var n = (long)Math.Round(value * 100_000);
        return n % 10_000 == 0 ? n / 100_000.0 : (Math.Floor(n / 10_000.0) + 1) / 10.0;
    }

    public static string Format(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);
}
