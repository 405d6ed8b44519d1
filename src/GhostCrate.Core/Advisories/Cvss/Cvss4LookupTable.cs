using System.Collections.Frozen;
using System.Text.Json;

namespace GhostCrate.Core.Advisories.Cvss;

/// <summary>
/// The score of every CVSS v4.0 MacroVector (specification §8 "CVSS v4.0 Scoring": the experts' ranking of the 270
/// possible MacroVectors), vendored as data in Cvss/Data (SOURCE.md says where from) and embedded in the assembly.
/// </summary>
public static class Cvss4LookupTable
{
    private const string Resource = "GhostCrate.Core.Advisories.Cvss.cvss4-macrovector-scores.json";

    /// <summary>3 × 2 × 3 × 3 × 3 × 2 levels, less the 54 where EQ3 = 2 (no High impact) meets EQ6 = 0 (which needs one).</summary>
    public const int MacroVectorCount = 270;

    private static readonly Lazy<FrozenDictionary<string, double>> Scores = new(Load);

    /// <summary>The MacroVector's score; false for a combination of levels that cannot occur (the "next lower" of a lowest one).</summary>
    public static bool TryGet(Cvss4MacroVector macroVector, out double score) => Scores.Value.TryGetValue(macroVector.ToString(), out score);

    public static int Count => Scores.Value.Count;

    private static FrozenDictionary<string, double> Load()
    {
        using var stream = typeof(Cvss4LookupTable).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The embedded CVSS v4.0 lookup table {Resource} is missing from the build.");
        var table = JsonSerializer.Deserialize<Dictionary<string, double>>(stream)
            ?? throw new InvalidOperationException($"{Resource} is not a JSON object of MacroVector scores.");
        // A damaged table would score silently wrong: check its shape once, when it is first used.
        if (table.Count != MacroVectorCount
            || table.Any(p => p.Key.Length != 6 || !p.Key.All(char.IsAsciiDigit) || p.Value is < 0 or > 10))
            throw new InvalidOperationException($"{Resource} must hold {MacroVectorCount} six-digit MacroVectors with scores from 0 to 10.");
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
