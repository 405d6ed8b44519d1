using GhostCrate.Core.MirrorJobs;
using GhostCrate.Core.Options;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Mirror operations run by the server (docs/mirror-in-10-minutes.md, "From the browser"): queue a sync, toolchain
/// sync, verify, repair or export as a job, check its prerequisites first, follow and cancel runs, download an export's
/// bundle. Administrators only (runs name directories on the server); writes are audited by MirrorJobService.
/// </summary>
public static class MirrorJobEndpoints
{
    private const string BodyHint = "expected a JSON body such as {\"operation\":\"sync\"} or {\"operation\":\"toolchain-sync\",\"toolchain\":{\"channels\":[\"stable\"],\"hosts\":[\"x86_64-unknown-linux-gnu\"]}}";

    public static IEndpointRouteBuilder MapMirrorJobs(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/admin/mirror").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);

        runs.MapGet("/runs", async Task<Results<Ok<MirrorRunsResponse>, ProblemHttpResult>> (int? limit, HttpContext context, MirrorJobService service) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await service.OverviewAsync(principal!, limit ?? 20, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var overview = result.Value!;
            return TypedResults.Ok(new MirrorRunsResponse(overview.Configured, overview.Directory, overview.Runs.Select(MirrorRunInfo.Of).ToList()));
        }).Operation("listMirrorRuns", "The newest server-run mirror operations (limit= up to 100), with progress and result").Problems(401, 403);

        runs.MapPost("/runs", async Task<Results<Accepted<MirrorRunInfo>, ProblemHttpResult>> (HttpContext context, MirrorJobService service) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (await JsonBody.ReadAsync<MirrorRunBody>(context) is not { } body) return ApiResults.Problem(StatusCodes.Status400BadRequest, BodyHint);
            return await StartAsync(principal!, body.ToRequest(), service, context);
        }).Operation("startMirrorRun", "Queue a mirror operation as a job (409 when a prerequisite fails or an operation on the directory is already queued or running)")
            .JsonBody<MirrorRunBody>().RequestExample("""{"operation":"toolchain-sync","toolchain":{"channels":["stable"],"hosts":["x86_64-unknown-linux-gnu"],"profile":"minimal"}}""")
            .Problems(400, 401, 403, 409);

        // One route per operation, for scripts and cron lines: POST /api/v1/admin/mirror/sync with no body is the same
        // as POST /runs with {"operation":"sync"}; a body may carry the rest (toolchain, incremental).
        foreach (var operation in MirrorOperations.All)
        {
            runs.MapPost("/" + operation, async Task<Results<Accepted<MirrorRunInfo>, ProblemHttpResult>> (HttpContext context, MirrorJobService service) =>
            {
                var (principal, problem) = await ApiCaller.RequireAsync(context);
                if (problem is not null) return problem;
                var body = new MirrorRunBody(operation, null, null);
                if (context.Request.ContentLength is not (null or 0) || context.Request.Headers.TransferEncoding.Count > 0)
                {
                    if (await JsonBody.ReadAsync<MirrorRunBody>(context) is not { } given) return ApiResults.Problem(StatusCodes.Status400BadRequest, BodyHint);
                    if (given.Operation is { } named && named != operation)
                        return ApiResults.Problem(StatusCodes.Status400BadRequest, $"the body names operation `{named}`, the path `{operation}`");
                    body = given with { Operation = operation };
                }
                return await StartAsync(principal!, body.ToRequest(), service, context);
            }).Operation("startMirror" + string.Concat(operation.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])),
                    $"Queue a mirror {operation} as a job (as POST /runs with operation {operation}; the body is optional)")
                .JsonBody<MirrorRunBody>(required: false).Problems(400, 401, 403, 409);
        }

        runs.MapPost("/prerequisites", async Task<Results<Ok<PrerequisitesResponse>, ProblemHttpResult>> (HttpContext context, MirrorJobService service) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            if (await JsonBody.ReadAsync<MirrorRunBody>(context) is not { } body) return ApiResults.Problem(StatusCodes.Status400BadRequest, BodyHint);
            var result = await service.CheckAsync(principal!, body.ToRequest(), context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var checks = result.Value!;
            return TypedResults.Ok(new PrerequisitesResponse(checks.All(c => c.Ok), checks.Select(c => new PrerequisiteInfo(c.Name, c.Ok, c.Detail)).ToList()));
        }).Operation("checkMirrorPrerequisites", "Check what an operation needs (directory writable, free disk, upstream reachable, keys) without queuing it")
            .JsonBody<MirrorRunBody>().RequestExample("""{"operation":"sync"}""").Problems(400, 401, 403, 409);

        runs.MapGet("/runs/{id:long}", async Task<Results<Ok<MirrorRunInfo>, ProblemHttpResult>> (long id, HttpContext context, MirrorJobService service) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await service.FindAsync(principal!, id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(MirrorRunInfo.Of(result.Value!));
        }).Operation("getMirrorRun", "One mirror run: progress while it runs, then its result and the start of its log").Problems(401, 403, 404);

        runs.MapPost("/runs/{id:long}/cancel", async Task<Results<Ok<MirrorRunInfo>, ProblemHttpResult>> (long id, HttpContext context, MirrorJobService service) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await service.CancelAsync(principal!, id, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(MirrorRunInfo.Of(result.Value!));
        }).Operation("cancelMirrorRun", "Ask a queued or running mirror run to stop (finished files are kept); 409 when it has finished").Problems(401, 403, 404, 409);

        runs.MapGet("/runs/{id:long}/bundle", async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> (long id, HttpContext context, MirrorJobService service, IOptions<MirrorOptions> options) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await service.FindAsync(principal!, id, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            var path = result.Value!.Artifact;
            // Only a file inside Mirror:ExportDirectory is handed out, whatever the row says.
            var exports = options.Value.ExportDirectory is { Length: > 0 } d ? Path.GetFullPath(d).TrimEnd('/') + "/" : null;
            if (path is null || exports is null || !Path.GetFullPath(path).StartsWith(exports, StringComparison.Ordinal) || !File.Exists(path))
                return ApiResults.Problem(StatusCodes.Status404NotFound, $"mirror run {id} has no bundle to download (only exports make one, and it may have been deleted)");
            return TypedResults.PhysicalFile(path, "application/x-tar", Path.GetFileName(path), enableRangeProcessing: true);
        }).Operation("downloadMirrorBundle", "The signed bundle an export run wrote (a tar file; Range supported)")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-tar").Problems(401, 403, 404);
        return app;
    }

    private static async Task<Results<Accepted<MirrorRunInfo>, ProblemHttpResult>> StartAsync(Core.Identity.Principal principal, MirrorJobRequest request, MirrorJobService service, HttpContext context)
    {
        var result = await service.RequestAsync(principal, request, context.RequestAborted);
        if (result.Error is { } error) return ApiResults.Problem(error);
        return TypedResults.Accepted($"/api/v1/admin/mirror/runs/{result.Value!.Id}", MirrorRunInfo.Of(result.Value));
    }
}
