using System.Globalization;
using System.Text.Json;
using GhostCrate.Core.Analytics;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// Usage analytics (docs/analytics.md): downloads by source, publishes, active users and tokens, storage growth and
/// the proxy's hit ratio over 7, 30 or 90 days. The charts are drawn by js/analytics.js from JSON the page embeds;
/// the tables hold the same figures for readers without JavaScript.
/// </summary>
public sealed class AnalyticsModel(AnalyticsService analytics) : AdminPageModel
{
    public AnalyticsReport Report { get; private set; } = null!;
    public string ChartJson { get; private set; } = "{}";

    public async Task OnGetAsync(string? period, CancellationToken cancellationToken)
    {
        if (!AnalyticsPeriod.TryParse(period, out var chosen))
        {
            ErrorMessage = AnalyticsPeriod.Invalid(period!) + "; showing " + AnalyticsPeriod.Default.Name + ".";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            chosen = AnalyticsPeriod.Default;
        }
        Report = await analytics.GetAsync(chosen, cancellationToken);
        ChartJson = BuildChart(Report);
    }

    public static string Percent(double? ratio) => ratio is { } r ? r.ToString("P1", CultureInfo.InvariantCulture) : "–";

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The three charts' data: labels are the days, each series one line or stack of bars.</summary>
    private static string BuildChart(AnalyticsReport report)
    {
        static object Series(string label, IEnumerable<long> data) => new { label, data };
        var days = report.Days;
        return JsonSerializer.Serialize(new
        {
            days = days.Select(d => Day(d.Day)),
            downloads = new[]
            {
                Series("private", days.Select(d => d.PrivateDownloads)),
                Series("proxied", days.Select(d => d.ProxiedDownloads)),
                Series("mirrored", days.Select(d => d.MirroredDownloads)),
            },
            activity = new[]
            {
                Series("publishes", days.Select(d => d.Publishes)),
                Series("active users", days.Select(d => d.ActiveUsers)),
                Series("active tokens", days.Select(d => d.ActiveTokens)),
            },
            storage = new[]
            {
                Series("private crates (bytes)", days.Select(d => d.PrivateBytesTotal)),
                Series("proxy cache (bytes)", days.Select(d => d.ProxyBytesTotal)),
            },
        });
    }
}
