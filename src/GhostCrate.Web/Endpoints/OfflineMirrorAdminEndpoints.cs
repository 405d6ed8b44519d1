using GhostCrate.Core.Identity;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using GhostCrate.Web.Ui.OfflineMirror;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
        app.MapGet("/api/v1/admin/mirror/status", async Task<Results<Ok<MirrorStatusResponse>, ProblemHttpResult>> (HttpContext context, OfflineMirrorStatusService status) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            // The rule of every admin route: administrators only, and an administrator's scoped token is not one.
            if (Guards.RequireAdmin(principal!) is { } denied) return ApiResults.Problem(denied);
            return TypedResults.Ok(new MirrorStatusResponse(status.Configured, status.Get().Select(MirrorStatusInfo.Of).ToList()));
        }).WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession)
            .Operation("getMirrorStatus", "The offline mirror's served index and its running or last sync").Problems(400, 401, 403);
        return app;
    }
}
