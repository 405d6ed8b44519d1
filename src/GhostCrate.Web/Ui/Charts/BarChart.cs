using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace GhostCrate.Web.Ui.Charts;

/// <summary>One bar: its label under the axis, its value, the tooltip that says it in words, and whether it failed.</summary>
public sealed record ChartBar(string Label, double Value, string Title, bool Failed);

/// <summary>
/// A bar chart as inline SVG, made on the server: the admin pages work without JavaScript and under the CSP's
/// `script-src 'self'`, and a chart of twenty bars needs no chart library. Colours come from site.css (`.chart-*`),
/// so they follow the light and dark themes; each bar's &lt;title&gt; is its tooltip and what a screen reader reads.
/// </summary>
public static class BarChart
{
    private const int Width = 600;
    private const int Height = 160;
    private const int Top = 14;
    private const int Bottom = 18;
    private const int Left = 4;

    /// <param name="axis">Writes the largest value above the bars (e.g. bytes as "1.2 MB"); by default the number and <paramref name="unit"/>.</param>
    public static IHtmlContent Render(string name, string label, string unit, IReadOnlyList<ChartBar> bars, Func<double, string>? axis = null)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"bar-chart\" data-chart=\"{Encode(name)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(label)}\">");
        var max = bars.Count == 0 ? 0 : bars.Max(b => b.Value);
        var plot = Height - Top - Bottom;
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-axis\" x=\"{Left}\" y=\"10\">{Encode(axis?.Invoke(max) ?? $"{Number(max)} {unit}")}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-baseline\" x1=\"0\" y1=\"{Height - Bottom}\" x2=\"{Width}\" y2=\"{Height - Bottom}\"/>");
        if (bars.Count > 0)
        {
            var slot = (double)(Width - Left) / bars.Count;
            var width = Math.Max(1, slot * 0.7);
            for (var i = 0; i < bars.Count; i++)
            {
                var bar = bars[i];
                // A zero-length run still shows as a hairline, so every run has a bar to point at.
                var height = max > 0 ? Math.Max(1, bar.Value / max * plot) : 1;
                var x = Left + i * slot + (slot - width) / 2;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"chart-bar{(bar.Failed ? " chart-bar-failed" : "")}\" data-value=\"{Number(bar.Value)}\" x=\"{x:F1}\" y=\"{Height - Bottom - height:F1}\" width=\"{width:F1}\" height=\"{height:F1}\"><title>{Encode(bar.Title)}</title></rect>");
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-label\" x=\"{x + width / 2:F1}\" y=\"{Height - 4}\" text-anchor=\"middle\">{Encode(bar.Label)}</text>");
            }
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Number(double value) => value.ToString(value >= 100 ? "F0" : "0.#", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
