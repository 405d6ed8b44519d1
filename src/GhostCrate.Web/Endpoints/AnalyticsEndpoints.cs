using GhostCrate.Core.Analytics;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// GET /api/v1/admin/analytics?period=7d|30d|90d: the figures of the /admin/analytics page as JSON (docs/analytics.md).
/// Administrators only; errors are problem details (401 without a credential, 403 for others, 400 for an unknown period).
/// </summary>
public static class AnalyticsEndpoints
{
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/analytics", GetAsync)
            .WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession)
            .Operation("getUsageAnalytics", "Usage analytics of the last 7, 30 or 90 days: downloads by source, publishes, active users and tokens, storage, proxy hit ratio, top crates")
            .Problems(400, 401, 403);
        return app;
    }

    private static async Task<Results<Ok<AnalyticsResponse>, ProblemHttpResult>> GetAsync(string? period, HttpContext context, AnalyticsService analytics)
    {
        var (principal, problem) = await ApiCaller.RequireAsync(context);
        if (problem is not null) return (ProblemHttpResult)problem;
        if (Guards.RequireAdmin(principal!) is { } denied) return (ProblemHttpResult)ApiResults.Problem(denied);
        if (!AnalyticsPeriod.TryParse(period, out var chosen)) return TypedResults.Problem(detail: AnalyticsPeriod.Invalid(period!), statusCode: StatusCodes.Status400BadRequest);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(AnalyticsResponse.Of(await analytics.GetAsync(chosen, context.RequestAborted)));
    }
}
