using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Following;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Following crates and organizations (docs/notifications.md "Following"): PUT follows, DELETE unfollows, both
/// idempotent, each answering the caller's whole list. Errors are ProblemDetails; changes are audited (FollowService).
/// </summary>
public static class FollowEndpoints
{
    public static IEndpointRouteBuilder MapFollowing(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me/following").WithTags(ApiDocs.AccountTag).Auth(ApiAuth.TokenOrSession);

        group.MapGet("", (HttpContext context, FollowService follows) =>
            Run(context, caller => follows.ListAsync(caller, context.RequestAborted)))
            .Operation("listFollowing", "The crates and organizations the caller follows").Problems(401, 403);

        group.MapPut("/crates/{name}", (string name, HttpContext context, FollowService follows) =>
            Run(context, caller => follows.FollowCrateAsync(caller, name, context.RequestAborted)))
            .Operation("followCrate", "Follow a crate: emails about its releases, yanks, deletion and advisories").Problems(401, 403, 404);

        group.MapDelete("/crates/{name}", (string name, HttpContext context, FollowService follows) =>
            Run(context, caller => follows.UnfollowCrateAsync(caller, name, context.RequestAborted)))
            .Operation("unfollowCrate", "Stop following a crate").Problems(401, 403, 404);

        group.MapPut("/orgs/{name}", (string name, HttpContext context, FollowService follows) =>
            Run(context, caller => follows.FollowOrgAsync(caller, name, context.RequestAborted)))
            .Operation("followOrg", "Follow an organization: emails about the crates it owns").Problems(401, 403, 404);

        group.MapDelete("/orgs/{name}", (string name, HttpContext context, FollowService follows) =>
            Run(context, caller => follows.UnfollowOrgAsync(caller, name, context.RequestAborted)))
            .Operation("unfollowOrg", "Stop following an organization").Problems(401, 403, 404);
        return app;
    }

    private static async Task<Results<Ok<FollowingResponse>, ProblemHttpResult>> Run(
        HttpContext context, Func<Core.Identity.Principal, Task<Result<FollowList>>> action)
    {
        var (principal, problem) = await ApiCaller.RequireAsync(context);
        if (problem is not null) return problem;
        var result = await action(principal!);
        return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(FollowingResponse.Of(result.Value!));
    }
}
