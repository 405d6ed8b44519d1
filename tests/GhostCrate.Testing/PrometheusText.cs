using System.Globalization;
using System.Text;

namespace GhostCrate.Testing;

/// <summary>One sample line of the Prometheus text format: name, labels (unescaped) and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>The labels without <paramref name="except"/>, as one comparable key ("a=1,b=2").</summary>
    public string LabelKey(params string[] except) =>
        string.Join(",", Labels.Where(l => !except.Contains(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}

/// <summary>A metric family: its # TYPE, # HELP and samples, in the order they were written.</summary>
public sealed record PrometheusFamily(string Name, string Type, string? Help, List<PrometheusSample> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details), for tests: it throws on what
/// a Prometheus server would reject or misread (a family split in two, a sample outside its declared family, a bad
/// escape), so the tests can assert on the writer's output rather than trust it.
/// </summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusFamily> Parse(string text)
    {
        var families = new List<PrometheusFamily>();
        var byName = new Dictionary<string, PrometheusFamily>(StringComparer.Ordinal);
        PrometheusFamily? current = null;
        string? pendingHelp = null;
        string? pendingHelpFor = null;
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                if (parts.Length != 2) throw new FormatException($"line {lineNumber}: malformed TYPE: {line}");
                if (byName.ContainsKey(parts[0])) throw new FormatException($"line {lineNumber}: family {parts[0]} declared twice (families must be contiguous)");
                current = new PrometheusFamily(parts[0], parts[1], pendingHelpFor == parts[0] ? pendingHelp : null, []);
                families.Add(current);
                byName[parts[0]] = current;
                continue;
            }
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ');
                pendingHelpFor = space < 0 ? rest : rest[..space];
                pendingHelp = space < 0 ? "" : rest[(space + 1)..];
                if (current?.Name == pendingHelpFor) byName[pendingHelpFor] = families[^1] = current = current with { Help = pendingHelp };
                continue;
            }
            if (line.StartsWith('#')) continue;
            var sample = ParseSample(line, lineNumber);
            var family = FamilyOf(sample.Name, byName);
            if (family is null) throw new FormatException($"line {lineNumber}: sample {sample.Name} has no # TYPE");
            if (!ReferenceEquals(family, current)) throw new FormatException($"line {lineNumber}: sample {sample.Name} of family {family.Name} appears after family {current?.Name} started (families must be contiguous)");
            family.Samples.Add(sample);
        }
        return families;
    }

    private static PrometheusFamily? FamilyOf(string sampleName, Dictionary<string, PrometheusFamily> byName)
    {
        if (byName.TryGetValue(sampleName, out var exact)) return exact;
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && byName.TryGetValue(sampleName[..^suffix.Length], out var f) && f.Type is "histogram" or "summary") return f;
        }
        return null;
    }

    private static PrometheusSample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ')) i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                if (line[eq + 1] != '"') throw new FormatException($"line {lineNumber}: label {key} value is not quoted");
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] != '\\')
                    {
                        value.Append(line[j]);
                        continue;
                    }
                    j++;
                    value.Append(line[j] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        var c => throw new FormatException($"line {lineNumber}: invalid escape \\{c} in label {key}"),
                    });
                }
                if (!labels.TryAdd(key, value.ToString())) throw new FormatException($"line {lineNumber}: label {key} repeated");
                i = j + 1;
                if (line[i] == ',') i++;
            }
            i++;
        }
        var fields = line[i..].Trim().Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }

    /// <summary>Each histogram series has a +Inf bucket equal to its _count, and its buckets never decrease.</summary>
    public static IEnumerable<string> HistogramProblems(PrometheusFamily family)
    {
        if (family.Type != "histogram") yield break;
        var counts = family.Samples.Where(s => s.Name == family.Name + "_count").ToDictionary(s => s.LabelKey(), s => s.Value);
        foreach (var series in family.Samples.Where(s => s.Name == family.Name + "_bucket").GroupBy(s => s.LabelKey("le")))
        {
            var buckets = series.Select(s => (Le: s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture), s.Value)).ToList();
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le)) yield return $"{family.Name}{{{series.Key}}}: the last bucket is not le=\"+Inf\"";
            else if (!counts.TryGetValue(series.Key, out var count)) yield return $"{family.Name}{{{series.Key}}}: no _count";
            else if (buckets[^1].Value != count) yield return $"{family.Name}{{{series.Key}}}: +Inf bucket {buckets[^1].Value} != _count {count}";
            for (var k = 1; k < buckets.Count; k++)
            {
                if (buckets[k].Le <= buckets[k - 1].Le || buckets[k].Value < buckets[k - 1].Value) yield return $"{family.Name}{{{series.Key}}}: buckets out of order at le={buckets[k].Le}";
            }
        }
    }

    /// <summary>Every sample name a scrape holds (histograms as their _bucket, _sum and _count).</summary>
    public static ISet<string> SampleNames(IEnumerable<PrometheusFamily> families) =>
        families.SelectMany(f => f.Samples.Select(s => s.Name)).ToHashSet(StringComparer.Ordinal);
}
