namespace GhostCrate.Core.Advisories.Cvss;

/// <summary>
/// The CVSS v4.0 score of a vector (specification §8 "CVSS v4.0 Scoring"): the score of the vector's MacroVector from
/// the lookup table, lowered by how far the vector lies below the most severe vectors of that MacroVector. A vector
/// with Base metrics only gives the CVSS-B score; with Threat or Environmental metrics, CVSS-BT, -BE or -BTE
/// (<see cref="Cvss4Vector.Nomenclature"/>). Supplemental metrics never change the score (§5).
/// The steps (numbered as in the reference) follow FIRST's calculator, which the specification names as the
/// reference implementation (https://github.com/FIRSTdotorg/cvss-v4-calculator, cvss_score.js), and its maintained
/// successor's rounding (<see cref="RoundHalfUp"/>).
/// </summary>
public static class Cvss4Score
{
    private static readonly string[] ImpactMetrics = ["VC", "VI", "VA", "SC", "SI", "SA"];

    /// <summary>
    /// Severity levels in tenths (0 = most severe), the unit of "severity distance". Subsequent-system confidentiality
    /// starts at 1 because it cannot reach Safety (S), which only MSI and MSA can (§4.2).
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, int>> Levels = new(StringComparer.Ordinal)
    {
        ["AV"] = new() { ["N"] = 0, ["A"] = 1, ["L"] = 2, ["P"] = 3 },
        ["PR"] = new() { ["N"] = 0, ["L"] = 1, ["H"] = 2 },
        ["UI"] = new() { ["N"] = 0, ["P"] = 1, ["A"] = 2 },
        ["AC"] = new() { ["L"] = 0, ["H"] = 1 },
        ["AT"] = new() { ["N"] = 0, ["P"] = 1 },
        ["VC"] = new() { ["H"] = 0, ["L"] = 1, ["N"] = 2 },
        ["VI"] = new() { ["H"] = 0, ["L"] = 1, ["N"] = 2 },
        ["VA"] = new() { ["H"] = 0, ["L"] = 1, ["N"] = 2 },
        ["SC"] = new() { ["H"] = 1, ["L"] = 2, ["N"] = 3 },
        ["SI"] = new() { ["S"] = 0, ["H"] = 1, ["L"] = 2, ["N"] = 3 },
        ["SA"] = new() { ["S"] = 0, ["H"] = 1, ["L"] = 2, ["N"] = 3 },
        ["CR"] = new() { ["H"] = 0, ["M"] = 1, ["L"] = 2 },
        ["IR"] = new() { ["H"] = 0, ["M"] = 1, ["L"] = 2 },
        ["AR"] = new() { ["H"] = 0, ["M"] = 1, ["L"] = 2 },
    };

    /// <summary>The metrics whose distances make up each equivalence set's part (EQ5's part is always 0).</summary>
    private static readonly string[] Eq1Metrics = ["AV", "PR", "UI"], Eq2Metrics = ["AC", "AT"],
        Eq3Eq6Metrics = ["VC", "VI", "VA", "CR", "IR", "AR"], Eq4Metrics = ["SC", "SI", "SA"];

    /// <summary>
    /// The most severe vectors of each level of each equivalence set (EQ3 and EQ6 together, as they share
    /// VC/VI/VA), the "highest severity vectors" the severity distance is measured from.
    /// </summary>
    private static readonly string[][] Eq1Highest = [["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"], ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]];
    private static readonly string[][] Eq2Highest = [["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]];
    private static readonly Dictionary<(int Eq3, int Eq6), string[]> Eq3Eq6Highest = new()
    {
        [(0, 0)] = ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"],
        [(0, 1)] = ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"],
        [(1, 0)] = ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
        [(1, 1)] = ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
                    "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"],
        [(2, 1)] = ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"],
    };
    private static readonly string[][] Eq4Highest = [["SC:H/SI:S/SA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]];

    /// <summary>
    /// The depth of each level (the largest severity distance inside it, plus one), by which a distance is turned
    /// into a proportion of the way to the next lower MacroVector.
    /// </summary>
    private static readonly int[] Eq1Depth = [1, 4, 5], Eq2Depth = [1, 2], Eq4Depth = [6, 5, 4];
    private static readonly Dictionary<(int Eq3, int Eq6), int> Eq3Eq6Depth = new()
    {
        [(0, 0)] = 7, [(0, 1)] = 6, [(1, 0)] = 8, [(1, 1)] = 8, [(2, 1)] = 10,
    };

    public static double Score(Cvss4Vector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        // No impact on either system: 0.0 whatever the exploitability.
        if (ImpactMetrics.All(m => vector.Effective(m) == "N")) return 0.0;

        var macro = Cvss4MacroVector.Of(vector);
        if (!Cvss4LookupTable.TryGet(macro, out var value))
            throw new InvalidOperationException($"MacroVector {macro} is missing from the CVSS v4.0 lookup table.");

        // 1a. Per equivalence set, the maximal scoring difference: this MacroVector's score less that of the next
        // lower one (one level less severe in that set). Where there is none, the set takes no part in the mean.
        var e = macro;
        double? Msd(params Cvss4MacroVector[] lower)
        {
            // Of several next lower MacroVectors, the one with the higher score counts.
            double? best = null;
            foreach (var m in lower)
                if (Cvss4LookupTable.TryGet(m, out var s) && (best is null || s > best)) best = s;
            return value - best;
        }
        var msdEq1 = Msd(e with { Eq1 = e.Eq1 + 1 });
        var msdEq2 = Msd(e with { Eq2 = e.Eq2 + 1 });
        // EQ3 and EQ6 step down together: 00 -> 01 or 10, 01 -> 11, 10 -> 11, 11 -> 21; 21 is the lowest.
        var msdEq3Eq6 = (e.Eq3, e.Eq6) switch
        {
            (0, 0) => Msd(e with { Eq6 = 1 }, e with { Eq3 = 1 }),
            (1, 0) => Msd(e with { Eq6 = 1 }),
            _ => Msd(e with { Eq3 = e.Eq3 + 1 }),
        };
        var msdEq4 = Msd(e with { Eq4 = e.Eq4 + 1 });
        var msdEq5 = Msd(e with { Eq5 = e.Eq5 + 1 });

        // 1b. The severity distance from a most severe vector of the MacroVector that the vector does not exceed in
        // any metric (the first, in the reference calculator's order of combinations).
        var distances = DistancesFromHighest(vector, e);

        // 1c-d. Each set's distance as a proportion of its level's depth, times its maximal scoring difference.
        var parts = new[]
        {
            Part(msdEq1, Sum(distances, Eq1Metrics), Eq1Depth[e.Eq1]),
            Part(msdEq2, Sum(distances, Eq2Metrics), Eq2Depth[e.Eq2]),
            Part(msdEq3Eq6, Sum(distances, Eq3Eq6Metrics), Eq3Eq6Depth[(e.Eq3, e.Eq6)]),
            Part(msdEq4, Sum(distances, Eq4Metrics), Eq4Depth[e.Eq4]),
            // EQ5 (Exploit Maturity) has one value per level: its distance is always 0, but it counts in the mean.
            Part(msdEq5, 0, 1),
        }.OfType<double>().ToList();

        // 2-3. The MacroVector's score less the mean of those parts, kept within 0-10 and rounded to one decimal.
        var mean = parts.Count == 0 ? 0 : parts.Average();
        return RoundHalfUp(Math.Clamp(value - mean, 0, 10));
    }

    private static double? Part(double? maximalScoringDifference, int distance, int depth) =>
        maximalScoringDifference is { } msd ? msd * distance / depth : null;

    private static int Sum(Dictionary<string, int> distances, string[] metrics) => metrics.Sum(m => distances[m]);

    private static Dictionary<string, int> DistancesFromHighest(Cvss4Vector vector, Cvss4MacroVector e)
    {
        Dictionary<string, int>? last = null;
        foreach (var eq1 in Eq1Highest[e.Eq1])
        foreach (var eq2 in Eq2Highest[e.Eq2])
        foreach (var eq3Eq6 in Eq3Eq6Highest[(e.Eq3, e.Eq6)])
        foreach (var eq4 in Eq4Highest[e.Eq4])
        {
            var highest = Metrics($"{eq1}/{eq2}/{eq3Eq6}/{eq4}");
            last = Levels.ToDictionary(l => l.Key, l => l.Value[vector.Effective(l.Key)] - l.Value[highest[l.Key]], StringComparer.Ordinal);
            if (last.Values.All(d => d >= 0)) return last;
        }
        // The calculator keeps the last combination's distances when none is dominated; kept for identical scores.
        return last!;
    }

    private static Dictionary<string, string> Metrics(string vector) =>
        vector.Split('/').Select(p => p.Split(':')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>
    /// Round half up to one decimal. The small addition keeps a value such as 1.45, computed as 1.4499999999999993,
    /// from rounding down (the calculator does the same, https://github.com/RedHatProductSecurity/cvss-v4-calculator).
    /// </summary>
    private static double RoundHalfUp(double value) => Math.Floor(((value + 1e-6) * 10) + 0.5) / 10;
}
