using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GhostCrate.Testing;

/// <summary>
/// The shipped monitoring files (deploy/monitoring/): the PromQL of every alert rule and dashboard panel, and the
/// metric names those queries select, so a test can check them against a real scrape.
/// </summary>
public static partial class MonitoringFiles
{
    public static string Root => Path.Combine(RepositoryRoot(), "deploy", "monitoring");
    public static string AlertRules => Path.Combine(Root, "prometheus", "ghostcrate-alerts.yml");
    public static string AlertRuleTests => Path.Combine(Root, "prometheus", "ghostcrate-alerts.test.yml");
    public static string PrometheusConfig => Path.Combine(Root, "prometheus", "prometheus.example.yml");
    public static string Dashboard => Path.Combine(Root, "grafana", "dashboards", "ghostcrate.json");

    /// <summary>Metrics that Prometheus makes itself rather than scrapes (`up`).</summary>
    public static readonly IReadOnlySet<string> SyntheticMetrics = new HashSet<string>(StringComparer.Ordinal) { "up" };

    /// <summary>Every `expr` of the alert rules (YAML block scalars or single lines), uncommented ones only.</summary>
    public static IReadOnlyList<string> AlertExpressions()
    {
        var lines = File.ReadAllLines(AlertRules);
        var result = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = ExprLine().Match(lines[i]);
            if (!match.Success) continue;
            var value = match.Groups["value"].Value.Trim();
            if (value is "|" or ">" or "|-" or ">-")
            {
                var indent = match.Groups["indent"].Value.Length;
                var block = new List<string>();
                while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent)) block.Add(lines[++i].Trim());
                value = string.Join(" ", block);
            }
            result.Add(value);
        }
        return result;
    }

    /// <summary>Every `expr` of every panel target of the dashboard (rows included).</summary>
    public static IReadOnlyList<string> DashboardExpressions()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Dashboard))!;
        var result = new List<string>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["expr"] is JsonValue v && v.TryGetValue<string>(out var expr)) result.Add(expr);
                    foreach (var (_, child) in o) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(dashboard["panels"]);
        return result;
    }

    /// <summary>
    /// The metric names a PromQL expression selects: identifiers outside label matchers, grouping clauses and
    /// strings that are not functions, keywords or aggregation operators.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = Strings().Replace(expression, "\"\"");
        text = Braces().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifier().Matches(text))
        {
            var word = m.Value;
            var after = text[(m.Index + m.Length)..].TrimStart();
            if (after.StartsWith('(') || NotMetrics.Contains(word)) continue;
            names.Add(word);
        }
        return names;
    }

    private static readonly HashSet<string> NotMetrics = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan",
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GhostCrate.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("GhostCrate.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^(?<indent>\s*)expr:\s*(?<value>.*)$")]
    private static partial Regex ExprLine();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
