using GhostCrate.Core.Identity;
using GhostCrate.Web.Http;
using GhostCrate.Web.Ui.OfflineMirror;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// GET /api/v1/admin/mirror/status: the offline mirror's served index and its running or last sync, as on
/// /admin/mirror. Administrators only (it names directories on the server); errors are ProblemDetails.
/// </summary>
public static class OfflineMirrorAdminEndpoints
{
    public static IEndpointRouteBuilder MapOfflineMirrorAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/mirror/status", async (HttpContext context, OfflineMirrorStatusService status) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            // The rule of every admin route: administrators only, and an administrator's scoped token is not one.
            if (Guards.RequireAdmin(principal!) is { } denied) return ApiResults.Problem(denied);
            var mirrors = status.Get();
            return Results.Json(new { enabled = status.Configured, mirrors = mirrors.Select(Describe) });
        });
        return app;
    }

    private static object Describe(OfflineMirrorStatus m) => new
    {
        mountPath = m.MountPath,
        directory = m.Directory,
        upstream = m.Upstream,
        state = m.State,
        stale = m.Stale,
        heartbeatAgeSeconds = m.HeartbeatAge is { } age ? Math.Round(age.TotalSeconds, 1) : (double?)null,
        percentDone = m.PercentDone,
        sync = m.Sync,
        served = m.Served is { } s ? new { crates = s.Crates, versions = s.Versions, countedAt = s.CountedAt } : null,
        counting = m.Counting,
        latestMark = m.LatestMark,
        importedAt = m.ImportedAt,
    };
}
