using GhostCrate.Core.Docs;
using GhostCrate.Core.Docs.Build;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The rustdoc API (docs/rustdoc.md). Called by cargo's users from CI with a registry token, so errors use Cargo's
/// envelope like the rest of /api/v1/crates. Pages are served by Web/Docs.
/// </summary>
public static class DocsEndpoints
{
    public static IEndpointRouteBuilder MapDocsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/docs").WithTags(ApiDocs.DocsTag);

        api.MapPut("/{name}/{version}", async Task<Results<Ok<DocsUploadResponse>, CargoError>> (string name, string version, HttpContext context, DocsUploadService uploads, IOptions<DocsOptions> options) =>
        {
            var (principal, problem) = await context.RequirePrincipalAsync();
            if (problem is not null) return problem;
            // One byte past the limit lets the service tell "too large" from "exactly the limit".
            RequestBodyLimit.Set(context, options.Value.MaxUploadBytes + 1);
            var result = await uploads.UploadAsync(name, version, context.Request.Body, principal!, context.RequestAborted);
            if (result.Error is { } error) return CargoResults.Error(error);
            var receipt = result.Value!;
            RequestLogMiddleware.SetCrate(context, $"{receipt.Crate}@{receipt.Version}");
            return TypedResults.Ok(new DocsUploadResponse(true, receipt.Crate, receipt.Version, receipt.Files, receipt.Bytes, receipt.Url));
        }).Operation("uploadDocs", "Upload a version's rustdoc (an archive of target/doc)",
                "The body is a zip or a gzip-compressed tar of the folder `cargo doc` writes (`target/doc`), told apart by its " +
                "first bytes; a leading `doc/` or `./` is removed. Owners and tokens with the publish-update scope only; the " +
                "version must be published. Limits: Docs:MaxUploadBytes, Docs:MaxUnpackedBytes, Docs:MaxFiles, Docs:MaxPathBytes. " +
                "No absolute paths, `..`, links or devices. A refused upload stores nothing; an accepted one replaces the " +
                "version's docs at once (readers see the old or the new set, never a mixture).")
            .BinaryBody("application/octet-stream")
            .Auth(ApiAuth.CargoToken)
            .CargoErrors(400, 401, 403, 404, 413)
            .ResponseExample(200, """{"ok":true,"crate":"demo","version":"1.2.0","files":42,"bytes":1234567,"url":"/docs/demo/1.2.0/"}""");

        // The builder's state is read like the crate (anonymous unless Registry:AuthRequired) and rebuilt by owners;
        // both answer ProblemDetails, as the JSON API outside Cargo's routes does.
        api.MapGet("/{name}/{version}/status", async Task<Results<Ok<DocsStatusResponse>, ProblemHttpResult>> (string name, string version, HttpContext context, DocsBuildStatusService builds, IOptions<RegistryOptions> registry) =>
        {
            var caller = await context.GetCallerAsync();
            if (caller.Principal is null && registry.Value.AuthRequired)
                return ApiResults.Problem(StatusCodes.Status401Unauthorized, caller.Failure ?? "this registry requires authentication; send a token from this registry or sign in");
            var result = await builds.GetAsync(name, version, caller.Principal, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(DocsStatusResponse.Of(result.Value!));
        }).Operation("getDocsStatus", "A version's docs and the state of its build",
                "`status` is null when the version was never built (or the builder is off), else queued, building, built or failed; " +
                "`stalled` is true when it says queued or building but the build's job is gone (its nodes died), so it can be built again. " +
                "Owners and administrators also get the build's `log` (at most Docs:Build:MaxLogBytes) and `can_rebuild`.")
            .Auth(ApiAuth.Read)
            .Problems(401, 404)
            .ResponseExample(200, """{"crate":"demo","version":"1.2.0","has_docs":true,"source":"build","docs_updated_at":"2026-12-05T14:30:00+00:00","url":"/docs/demo/1.2.0/","status":"built","status_updated_at":"2026-12-05T14:30:00+00:00","toolchain":"stable","log":null,"builder_enabled":true,"can_rebuild":false,"stalled":false}""");

        api.MapPost("/{name}/{version}/rebuild", async Task<Results<Accepted<DocsStatusResponse>, ProblemHttpResult>> (string name, string version, HttpContext context, DocsBuildStatusService builds) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await builds.RebuildAsync(name, version, principal!, context.RequestAborted);
            if (result.Error is { } error) return ApiResults.Problem(error);
            RequestLogMiddleware.SetCrate(context, $"{result.Value!.Crate}@{result.Value.Version}");
            return TypedResults.Accepted($"/api/v1/docs/{Uri.EscapeDataString(result.Value.Crate)}/{Uri.EscapeDataString(result.Value.Version)}/status", DocsStatusResponse.Of(result.Value));
        }).Operation("rebuildDocs", "Build a version's docs again",
                "Owners (publish-update) and administrators. Queues a build (answer 202 with status `queued`); 409 while one is queued " +
                "or running, or when the builder is off (Docs:Build:Enabled=false). In the audit log as docs.rebuild_requested.")
            .Auth(ApiAuth.TokenOrSession)
            .Problems(400, 401, 403, 404, 409);

        var admin = app.MapGroup("/api/v1/admin/docs").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);
        admin.MapGet("", async Task<Results<Ok<DocsAdminResponse>, ProblemHttpResult>> (HttpContext context, DocsBuildOverviewService overview) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await overview.GetAsync(principal!, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(DocsAdminResponse.Of(result.Value!));
        }).Operation("getDocsBuildOverview", "The docs builder at a glance (administrators)",
                "Versions per docs state (held versions left out): queued, building, built, failed, uploaded, without docs, and " +
                "`outdated`, those built or failed with a toolchain other than the pinned Docs:Build:Toolchain (what a rebuild-all " +
                "queues). `recent_failures`: the newest 20 failed builds with the last 2000 characters of their log. Answers " +
                "also when the builder is off (`builder_enabled` false), for registries that only take uploads.")
            .Problems(401, 403)
            .ResponseExample(200, """{"builder_enabled":true,"toolchain":"nightly","sandbox":"namespace","counts":{"queued":0,"building":1,"built":40,"failed":2,"uploaded":3,"without_docs":5,"outdated":38},"recent_failures":[{"crate":"demo","version":"1.2.0","failed_at":"2026-12-05T14:30:00+00:00","toolchain":"nightly","log_excerpt":"error[E0425]: cannot find value `x` in this scope\nfailed: `cargo doc` did not succeed"}]}""");

        admin.MapPost("/rebuild", async Task<Results<Accepted<DocsRebuildAllResponse>, ProblemHttpResult>> (bool? all, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "include_uploaded")] bool? includeUploaded, HttpContext context, DocsRebuildAllService rebuilds) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await rebuilds.RequestAsync(principal!, all ?? false, includeUploaded ?? false, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Accepted($"/api/v1/admin/jobs/{result.Value!.JobId}", DocsRebuildAllResponse.Of(result.Value));
        }).Operation("rebuildAllDocs", "Build the docs of every built version again, after a toolchain change",
                "Administrators. Answers 202 at once with the `docs.rebuild_all` job that queues the builds (Location: " +
                "/api/v1/admin/jobs/{id}); the job pages through the versions and queues a build of every version whose docs the " +
                "builder made (or failed to make) with a toolchain other than Docs:Build:Toolchain; `all=true` queues every version " +
                "instead (also those built with it and those never built). Versions whose docs were uploaded are left alone unless " +
                "`include_uploaded=true` (their uploaded docs are then replaced by the build's). The same request made again, on any " +
                "node, while its job is pending or running gets that job (`already_running` true); a version already queued or " +
                "building is never queued twice. 409 when the builder is off. In the audit log as docs.rebuild_all_requested, and " +
                "docs.rebuild_all_queued with the numbers queued when the job is done. /admin/docs is the same for a browser.")
            .Problems(401, 403, 409)
            .ResponseExample(202, """{"toolchain":"nightly","all_toolchains":false,"include_uploaded":false,"job_id":42,"already_running":false}""");
        return app;
    }
}
