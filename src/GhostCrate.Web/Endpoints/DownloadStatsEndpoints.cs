using System.Globalization;
using GhostCrate.Core.Downloads;
using GhostCrate.Protocol.Api;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Downloads per version per day as JSON, shaped like crates.io's /api/v1/crates/{name}/downloads (version_downloads
/// rows, plus per-day totals), for scripts and dashboards. Under /api/v1, so errors use Cargo's envelope.
/// </summary>
public static class DownloadStatsEndpoints
{
    public static IEndpointRouteBuilder MapDownloadStats(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/crates").AddEndpointFilter(CargoAuthentication.RequireReadAccess).WithTags(ApiDocs.StatsTag).Auth(ApiAuth.Read);
        api.MapGet("/{name}/downloads", (string name, int? days, HttpContext context, DownloadStatsService stats) => GetAsync(name, null, days, context, stats))
            .Operation("getCrateDownloads", "Downloads of a crate per day and version (crates.io's shape)").CargoErrors(400, 401, 404)
            .ResponseExample(200, """{"crate":"demo","version":null,"from":"2026-11-21","to":"2026-11-22","version_downloads":[{"version":"1.0.0","version_id":7,"date":"2026-11-22","downloads":3}],"totals":[{"date":"2026-11-21","downloads":0},{"date":"2026-11-22","downloads":3}]}""");
        api.MapGet("/{name}/{version}/downloads", (string name, string version, int? days, HttpContext context, DownloadStatsService stats) => GetAsync(name, version, days, context, stats))
            .Operation("getVersionDownloads", "Downloads of one version per day").CargoErrors(400, 401, 404);
        return app;
    }

    private static async Task<Results<Ok<CrateDownloadsResponse>, CargoError>> GetAsync(string name, string? version, int? days, HttpContext context, DownloadStatsService stats)
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
        return TypedResults.Ok(new CrateDownloadsResponse(
            result.Crate,
            version,
            Day(result.From),
            Day(result.To),
            result.Versions.Select(v => new VersionDownloads(v.Version, v.VersionId, Day(v.Day), v.Downloads)).ToList(),
            result.Totals.Select(t => new DayDownloads(Day(t.Day), t.Downloads)).ToList()));
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
