using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Holds;
using GhostCrate.Core.Identity;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static GhostCrate.Web.Endpoints.ApiReplies;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The approval hold's queue for administrators (docs/security.md "Approval hold"), problem details on errors. Every
/// decision is audited by Core/Holds/HoldService; /admin/held is the same for a browser.
/// </summary>
public static class HoldEndpoints
{
    public static IEndpointRouteBuilder MapHolds(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);
        admin.MapGet("/held", (HttpContext context, HoldService holds) => WithCaller(context, async p =>
            Reply(await holds.ListAsync(p, context.RequestAborted), list => new HeldVersionsResponse([.. list.Select(HeldVersionDto.Of)]))))
            .Operation("listHeldVersions", "Versions held for approval, oldest first (administrators)").Problems(400, 401, 403);

        admin.MapGet("/held/{name}/{version}/download", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (string name, string version, HttpContext context, HoldService holds) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await holds.OpenForReviewAsync(principal!, name, version, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var (held, content) = result.Value;
            context.Response.RegisterForDisposeAsync(content);
            // Unapproved content: no shared cache may keep it.
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Stream(content.Stream, "application/gzip", $"{held.Crate}-{held.Version}.crate");
        }).Operation("downloadHeldVersion", "Download a held version's .crate to review it before deciding (administrators)")
            .Problems(401, 403, 404);

        admin.MapPost("/held/{name}/{version}/approve", (string name, string version, HttpContext context, HoldService holds) => WithCaller(context, async p =>
            Reply(await holds.ApproveAsync(p, name, version, context.RequestAborted), HeldVersionDto.Of)))
            .Operation("approveHeldVersion", "Approve a held version: it enters the index and can be downloaded (administrators)")
            .Problems(400, 401, 403, 404);

        admin.MapPost("/held/{name}/{version}/reject", (string name, string version, HttpContext context, HoldService holds) => WithCaller(context, async Task<Results<Ok<RejectedVersionDto>, ProblemHttpResult>> (p) =>
        {
            var body = await JsonBody.ReadAsync<RejectHeldBody>(context);
            if (body is null) return ApiResults.Problem(StatusCodes.Status400BadRequest, "expected JSON {\"reason\": why the version is rejected}");
            return Reply(await holds.RejectAsync(p, name, version, body.Reason, context.RequestAborted), r => new RejectedVersionDto(r.Version.Crate, r.Version.Version, r.CrateRemoved));
        })).Operation("rejectHeldVersion", "Reject a held version: it and its .crate are removed, and the version may be published again (administrators)")
            .JsonBody<RejectHeldBody>().RequestExample("""{"reason":"ships a prebuilt binary; build it from source"}""").Problems(400, 401, 403, 404);
        return app;
    }
}
