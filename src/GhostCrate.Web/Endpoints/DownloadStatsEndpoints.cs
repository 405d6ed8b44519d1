using System.Globalization;
using GhostCrate.Core.Downloads;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Downloads per version per day as JSON, shaped like crates.io's /api/v1/crates/{name}/downloads (version_downloads
/// rows, plus per-day totals), for scripts and dashboards. Under /api/v1, so errors use Cargo's envelope.
/// </summary>
public static class DownloadStatsEndpoints
{
    public static IEndpointRouteBuilder MapDownloadStats(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/crates").AddEndpointFilter(CargoAuthentication.RequireReadAccess);
        api.MapGet("/{name}/downloads", (string name, int? days, HttpContext context, DownloadStatsService stats) => GetAsync(name, null, days, context, stats));
        api.MapGet("/{name}/{version}/downloads", (string name, string version, int? days, HttpContext context, DownloadStatsService stats) => GetAsync(name, version, days, context, stats));
        return app;
    }

    private static async Task<IResult> GetAsync(string name, string? version, int? days, HttpContext context, DownloadStatsService stats)
    {
        var ct = context.RequestAborted;
        if (days is < 1 or > DownloadStatsService.MaxDays)
        {
            return CargoResults.Error(StatusCodes.Status400BadRequest, $"days must be between 1 and {DownloadStatsService.MaxDays}");
        }
        // A token or a session; restricted crates the caller may not read answer 404 like unknown ones.
        var caller = (await context.GetCallerAsync()).Principal;
        var result = await stats.GetAsync(name, version, days ?? DownloadStatsService.DefaultDays, caller, ct);
        if (result is null)
        {
            return CargoResults.Error(StatusCodes.Status404NotFound, version is null
                ? $"crate `{name}` does not exist in this registry"
                : $"crate `{name}` has no version `{version}` in this registry");
        }
        return Results.Json(new
        {
            crate = result.Crate,
            version,
            from = Day(result.From),
            to = Day(result.To),
            version_downloads = result.Versions.Select(v => new { version = v.Version, version_id = v.VersionId, date = Day(v.Day), downloads = v.Downloads }),
            totals = result.Totals.Select(t => new { date = Day(t.Day), downloads = t.Downloads }),
        });
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
