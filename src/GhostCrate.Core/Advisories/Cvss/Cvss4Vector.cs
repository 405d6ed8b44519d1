using System.Collections.Frozen;

namespace GhostCrate.Core.Advisories.Cvss;

/// <summary>
/// A CVSS v4.0 vector string, checked as the specification's §7 "Vector String" requires
/// (https://www.first.org/cvss/v4.0/specification-document#Vector-String): the `CVSS:4.0` prefix, the eleven Base
/// metrics all present, every metric at most once, in the order of the specification's metric table, each with one of
/// its listed values (case-sensitive). Threat, Environmental and Supplemental metrics are optional; `X` (Not Defined)
/// is their default.
/// </summary>
public sealed class Cvss4Vector
{
    public const string Prefix = "CVSS:4.0";

    /// <summary>The longest well-formed vector (every metric, longest values) is about 190 characters.</summary>
    public const int MaxLength = 256;

    /// <summary>
    /// Every metric in the specification's order with its values (§2 Base, §3 Threat, §4 Environmental,
    /// §5 Supplemental). Base metrics have no `X`: they are mandatory.
    /// </summary>
    private static readonly (string Metric, string[] Values)[] Order =
    [
        ("AV", ["N", "A", "L", "P"]), ("AC", ["L", "H"]), ("AT", ["N", "P"]), ("PR", ["N", "L", "H"]),
        ("UI", ["N", "P", "A"]), ("VC", ["H", "L", "N"]), ("VI", ["H", "L", "N"]), ("VA", ["H", "L", "N"]),
        ("SC", ["H", "L", "N"]), ("SI", ["H", "L", "N"]), ("SA", ["H", "L", "N"]),
        ("E", ["X", "A", "P", "U"]),
        ("CR", ["X", "H", "M", "L"]), ("IR", ["X", "H", "M", "L"]), ("AR", ["X", "H", "M", "L"]),
        ("MAV", ["X", "N", "A", "L", "P"]), ("MAC", ["X", "L", "H"]), ("MAT", ["X", "N", "P"]),
        ("MPR", ["X", "N", "L", "H"]), ("MUI", ["X", "N", "P", "A"]),
        ("MVC", ["X", "H", "L", "N"]), ("MVI", ["X", "H", "L", "N"]), ("MVA", ["X", "H", "L", "N"]),
        // §4.2: only the Subsequent System's integrity and availability can be raised to Safety (S).
        ("MSC", ["X", "H", "L", "N"]), ("MSI", ["X", "S", "H", "L", "N"]), ("MSA", ["X", "S", "H", "L", "N"]),
        ("S", ["X", "N", "P"]), ("AU", ["X", "N", "Y"]), ("R", ["X", "A", "U", "I"]), ("V", ["X", "D", "C"]),
        ("RE", ["X", "L", "M", "H"]), ("U", ["X", "Clear", "Green", "Amber", "Red"]),
    ];

    private const int BaseMetricCount = 11;

    private static readonly FrozenSet<string> ThreatMetrics = FrozenSet.Create(StringComparer.Ordinal, "E");

    private static readonly FrozenSet<string> EnvironmentalMetrics = FrozenSet.Create(StringComparer.Ordinal,
        "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA");

    private readonly Dictionary<string, string> _values;

    private Cvss4Vector(Dictionary<string, string> values) => _values = values;

    /// <summary>Reads <paramref name="vector"/>; null with the reason when it is not a valid CVSS v4.0 vector.</summary>
    public static Cvss4Vector? TryParse(string vector, out string? error)
    {
        ArgumentNullException.ThrowIfNull(vector);
        error = Check(vector, out var values);
        return error is null ? new Cvss4Vector(values) : null;
    }

    private static string? Check(string vector, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (vector.Length > MaxLength) return $"a CVSS vector is at most {MaxLength} characters";
        var parts = vector.Split('/');
        if (parts[0] != Prefix) return $"a CVSS v4.0 vector starts with `{Prefix}/`";
        var next = 0;
        foreach (var part in parts.AsSpan(1))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0 || colon == part.Length - 1) return $"`{part}` is not of the form METRIC:VALUE";
            var (metric, value) = (part[..colon], part[(colon + 1)..]);
            var at = Array.FindIndex(Order, o => o.Metric == metric);
            if (at < 0) return $"`{metric}` is not a CVSS v4.0 metric";
            if (values.ContainsKey(metric)) return $"metric `{metric}` appears twice";
            // Metrics come in the table's order; skipping over a Base metric means it is missing.
            if (at < next) return $"metric `{metric}` is out of order: the specification lists it before `{Order[next - 1].Metric}`";
            if (next < BaseMetricCount && at > next) return $"Base metric `{Order[next].Metric}` is missing (all eleven Base metrics are mandatory)";
            if (!Order[at].Values.Contains(value, StringComparer.Ordinal))
                return $"`{value}` is not a value of `{metric}` (one of {string.Join(", ", Order[at].Values)})";
            values[metric] = value;
            next = at + 1;
        }
        if (next < BaseMetricCount) return $"Base metric `{Order[next].Metric}` is missing (all eleven Base metrics are mandatory)";
        return null;
    }

    /// <summary>The value the vector gives <paramref name="metric"/>, `X` (Not Defined) for an optional metric it omits.</summary>
    public string this[string metric] => _values.TryGetValue(metric, out var v) ? v : "X";

    /// <summary>
    /// The value a metric counts with in scoring: a Modified Base metric (§4.2) other than `X` replaces its Base
    /// metric; Exploit Maturity `X` counts as Attacked (§3.1) and a Security Requirement `X` as High (§4.1), the
    /// worst cases, so that a vector with Base metrics only is scored as the most severe.
    /// </summary>
    public string Effective(string metric)
    {
        var value = this[metric];
        switch (metric)
        {
            case "E" when value == "X": return "A";
            case "CR" or "IR" or "AR" when value == "X": return "H";
        }
        return _values.TryGetValue("M" + metric, out var modified) && modified != "X" ? modified : value;
    }

    /// <summary>§1.3 nomenclature: CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE, by which metric groups the vector defines.</summary>
    public string Nomenclature
    {
        get
        {
            var threat = _values.Any(p => ThreatMetrics.Contains(p.Key) && p.Value != "X");
            var environmental = _values.Any(p => EnvironmentalMetrics.Contains(p.Key) && p.Value != "X");
            return "CVSS-B" + (threat ? "T" : "") + (environmental ? "E" : "");
        }
    }
}
