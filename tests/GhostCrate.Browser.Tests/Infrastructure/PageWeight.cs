using System.Globalization;
using System.Text;

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>
/// What one page made the browser transfer on a first visit, by kind, in response body bytes as served (compressed
/// when the server compressed them), and the budgets of docs/ui.md ("Weight").
/// </summary>
public sealed class PageWeight(string path)
{
    /// <summary>Issue 23: script and style of one page stay under 150 KB.</summary>
    public const long ScriptAndStyleBudgetBytes = 150 * 1024;

    /// <summary>Everything one page loads (HTML, script, style, fonts, images, requests it makes): the script and style budget plus 50 KB.</summary>
    public const long PageBudgetBytes = 200 * 1024;

    public string Path { get; } = path;
    public long Html { get; private set; }
    public long Script { get; private set; }
    public long Style { get; private set; }
    public long Fonts { get; private set; }
    public long Images { get; private set; }
    public long Other { get; private set; }

    public long ScriptAndStyle => Script + Style;
    public long Total => Html + Script + Style + Fonts + Images + Other;

    /// <summary>Counts one response by Chromium's resource type.</summary>
    public void Add(string resourceType, long bytes)
    {
        switch (resourceType)
        {
            case "document": Html += bytes; break;
            case "script": Script += bytes; break;
            case "stylesheet": Style += bytes; break;
            case "font": Fonts += bytes; break;
            case "image" or "media": Images += bytes; break;
            default: Other += bytes; break;
        }
    }

    /// <summary>Each budget this page exceeds, said in a sentence.</summary>
    public IReadOnlyList<string> OverBudget()
    {
        var over = new List<string>();
        if (ScriptAndStyle >= ScriptAndStyleBudgetBytes) over.Add($"{Path}: {ScriptAndStyle} bytes of script and style; the budget is {ScriptAndStyleBudgetBytes}");
        if (Total >= PageBudgetBytes) over.Add($"{Path}: {Total} bytes in all; the budget is {PageBudgetBytes}");
        return over;
    }

    /// <summary>A Markdown table of the pages' weights in KB (1,024 bytes).</summary>
    public static string Report(IEnumerable<PageWeight> weights)
    {
        static string Kb(long bytes) => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Transferred on a first visit, KB; budgets: script + style < {ScriptAndStyleBudgetBytes / 1024}, total < {PageBudgetBytes / 1024}.");
        text.AppendLine();
        text.AppendLine("| page | HTML | script | style | fonts | images | other | script + style | total |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var w in weights)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{w.Path}` | {Kb(w.Html)} | {Kb(w.Script)} | {Kb(w.Style)} | {Kb(w.Fonts)} | {Kb(w.Images)} | {Kb(w.Other)} | {Kb(w.ScriptAndStyle)} | {Kb(w.Total)} |");
        }
        return text.ToString();
    }
}
