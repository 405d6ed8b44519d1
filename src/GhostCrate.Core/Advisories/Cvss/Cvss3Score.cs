namespace GhostCrate.Core.Advisories.Cvss;

/// <summary>
/// The CVSS v3.0/v3.1 base score of a vector string (https://www.first.org/cvss/v3.1/specification-document §7.1
/// formulas, Appendix A rounding). Temporal and Environmental metrics, if present, are not scored: RustSec gives base
/// vectors.
/// </summary>
public static class Cvss3Score
{
    /// <summary>The base score, or null with the reason when a Base metric is missing, repeated or has no such value.</summary>
    public static double? TryScore(string vector, out string? error)
    {
        ArgumentNullException.ThrowIfNull(vector);
        error = null;
        var parts = vector.Split('/');
        var m = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parts.Skip(1))
        {
            var colon = p.IndexOf(':');
            if (colon <= 0) { error = $"`{p}` is not of the form METRIC:VALUE"; return null; }
            if (!m.TryAdd(p[..colon], p[(colon + 1)..])) { error = $"metric `{p[..colon]}` appears twice"; return null; }
        }
        var changed = Get(m, "S") == "C";
        double? av = Get(m, "AV") switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, "P" => 0.2, _ => null };
        double? ac = Get(m, "AC") switch { "L" => 0.77, "H" => 0.44, _ => null };
        double? pr = Get(m, "PR") switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, "H" => changed ? 0.5 : 0.27, _ => null };
        double? ui = Get(m, "UI") switch { "N" => 0.85, "R" => 0.62, _ => null };
        double? c = Cia(Get(m, "C")), i = Cia(Get(m, "I")), a = Cia(Get(m, "A"));
        var invalid = new (string Metric, bool Ok)[]
        {
            ("AV", av is not null), ("AC", ac is not null), ("PR", pr is not null), ("UI", ui is not null),
            ("S", Get(m, "S") is "U" or "C"), ("C", c is not null), ("I", i is not null), ("A", a is not null),
        }.FirstOrDefault(x => !x.Ok).Metric;
        if (invalid is not null)
        {
            error = m.TryGetValue(invalid, out var value) ? $"`{value}` is not a value of Base metric `{invalid}`" : $"Base metric `{invalid}` is missing";
            return null;
        }

        var iss = 1 - ((1 - c!.Value) * (1 - i!.Value) * (1 - a!.Value));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av!.Value * ac!.Value * pr!.Value * ui!.Value;
        if (impact <= 0) return 0;
        return RoundUp(Math.Min((changed ? 1.08 : 1.0) * (impact + exploitability), 10));
    }

    private static string? Get(Dictionary<string, string> m, string key) => m.TryGetValue(key, out var v) ? v : null;

    private static double? Cia(string? v) => v switch { "H" => 0.56, "L" => 0.22, "N" => 0.0, _ => null };

    /// <summary>CVSS v3.1 Appendix A: round up to one decimal, in integers to avoid floating-point artefacts.</summary>
    private static double RoundUp(double value)
    {
        var n = (long)Math.Round(value * 100_000);
        return n % 10_000 == 0 ? n / 100_000.0 : (Math.Floor(n / 10_000.0) + 1) / 10.0;
    }
}
