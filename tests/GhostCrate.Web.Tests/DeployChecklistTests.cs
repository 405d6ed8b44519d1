using System.Net;
using System.Text.RegularExpressions;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests;

/// <summary>
/// docs/deploy.md's production checklist (issue 25 item 9): a row for every need the issue names, each saying how
/// GhostCrate meets it, and everything a row points at is real: its links and their anchors, the repository files it
/// names, the settings it names (in docs/configuration.md), the routes it names (answered by the server) and the
/// pages it names (in docs/ui.md). A renamed setting, file, heading or route fails here instead of misleading an
/// operator.
/// </summary>
public sealed partial class DeployChecklistTests
{
    private static string Root => ServiceScript.RepositoryRoot;

    /// <summary>The needs of issue 25 item 9, each with the start of the row's first cell that answers it.</summary>
    public static TheoryData<string, string> Needs => new()
    {
        { "TLS certificates", "TLS certificates" },
        { "reverse proxy with rate limiting", "reverse proxy with rate limiting" },
        { "firewall and network notes", "firewall and network" },
        { "monitoring and alerting", "monitoring, metrics and alerting" },
        { "metrics", "monitoring, metrics and alerting" },
        { "tested backups", "tested backups" },
        { "log aggregation", "log aggregation" },
        { "OIDC", "OIDC" },
        { "API rate limits", "API tokens and limits" },
        { "audit logging", "audit logging" },
        { "security scanning", "security scanning" },
        { "secrets kept out of environment files", "secrets out of environment files" },
        { "health checks", "health checks" },
        { "performance testing", "performance testing" },
    };

    [Theory]
    [MemberData(nameof(Needs))]
    public void Every_need_has_a_row_that_says_how_ghostcrate_meets_it(string need, string row)
    {
        var rows = Rows();
        var how = rows.FirstOrDefault(r => r.Key.StartsWith(row, StringComparison.Ordinal)).Value;
        Assert.True(how is not null, $"docs/deploy.md's checklist has no row starting `{row}` for {need}; rows: {string.Join(", ", rows.Keys)}");
        Assert.False(string.IsNullOrWhiteSpace(how), $"the row `{row}` says nothing");
        // A need that is not met is a gap to build, not a checklist row.
        Assert.DoesNotMatch(@"^\s*(open|todo|not yet)\b", how.ToLowerInvariant());
    }

    [Fact]
    public void Every_link_file_setting_and_page_a_row_names_exists()
    {
        var configuration = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var pages = File.ReadAllText(Path.Combine(Root, "docs", "ui.md"));
        var problems = new List<string>();
        foreach (var (row, how) in Rows())
        {
            foreach (Match link in LinkPattern().Matches(how))
            {
                var target = link.Groups[1].Value;
                if (target.StartsWith("http", StringComparison.Ordinal)) continue;
                var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
                var path = Path.Combine(Root, "docs", file.Length == 0 ? "deploy.md" : file);
                if (!File.Exists(path)) problems.Add($"{row}: the link {target} names no file");
                else if (anchor is not null && !Anchors(path).Contains(anchor)) problems.Add($"{row}: {file} has no heading #{anchor}");
            }
            foreach (Match code in CodePattern().Matches(how))
            {
                var text = code.Groups[1].Value;
                if (RepositoryPath(text) is { } relative && !File.Exists(Path.Combine(Root, relative)) && !Directory.Exists(Path.Combine(Root, relative)))
                    problems.Add($"{row}: `{text}` is not a file or folder of the repository");
                if (SettingPattern().Match(text) is { Success: true } setting)
                {
                    // `RateLimits:*` names a section: any of its keys will do.
                    var key = setting.Groups[1].Value.TrimEnd('*');
                    if (!configuration.Contains(key, StringComparison.Ordinal)) problems.Add($"{row}: the setting `{text}` is not in docs/configuration.md");
                }
                if (text.StartsWith("/admin/", StringComparison.Ordinal) && !pages.Contains($"`{text}`", StringComparison.Ordinal))
                    problems.Add($"{row}: the page {text} is not in docs/ui.md");
            }
        }
        Assert.True(problems.Count == 0, "docs/deploy.md's checklist points at what does not exist:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task Every_route_a_row_names_is_answered()
    {
        await using var app = await TestApp.StartAsync();
        var routes = Rows().Values.SelectMany(how => CodePattern().Matches(how).Select(m => m.Groups[1].Value))
            .Select(text => text.StartsWith("GET ", StringComparison.Ordinal) ? text[4..] : text)
            .Where(text => text.StartsWith("/api/", StringComparison.Ordinal) || text.StartsWith("/health/", StringComparison.Ordinal) || text == "/metrics")
            .Distinct().ToList();
        Assert.NotEmpty(routes);
        foreach (var route in routes)
        {
            using var response = await app.Client(TestApp.AdminToken).GetAsync(route.TrimStart('/'), TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode != HttpStatusCode.NotFound, $"docs/deploy.md names {route}, which answers 404");
        }
    }

    /// <summary>The checklist's rows: first cell -> second cell.</summary>
    private static Dictionary<string, string> Rows()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs", "deploy.md"));
        var start = text.IndexOf("## Production checklist", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/deploy.md has no `## Production checklist`");
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text[start..].Split('\n').Skip(1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim().Trim('|').Split(" | ", 2);
            if (cells.Length != 2 || cells[0].Trim() is "need" or "---|---" || cells[0].StartsWith("---", StringComparison.Ordinal)) continue;
            rows[cells[0].Trim()] = cells[1].Trim();
        }
        return rows;
    }

    /// <summary>A code span that names a file or folder of this repository (relative to its root), or null.</summary>
    private static string? RepositoryPath(string text)
    {
        if (text.Contains(' ') || text.Contains(':')) return null;
        var first = text.Split('/')[0];
        if (text.Contains('/') && first.Length > 0 && Directory.Exists(Path.Combine(Root, first))) return text;
        return text.EndsWith(".props", StringComparison.Ordinal) ? text : null;
    }

    /// <summary>GitHub's heading anchors of a Markdown file: lower case, punctuation dropped, spaces as dashes.</summary>
    private static HashSet<string> Anchors(string path) =>
        File.ReadLines(path).Where(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim().ToLowerInvariant())
            .Select(h => new string(h.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray()).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodePattern();

    // A setting as the docs write it: `Section:Key`, `Section:Key=value`, `Section:*`, `A:B:{name}:C`.
    [GeneratedRegex(@"^([A-Z][A-Za-z]+(?::(?:[A-Z][A-Za-z0-9]*|\{name\}|\*))+)(?:=.*)?$")]
    private static partial Regex SettingPattern();
}
