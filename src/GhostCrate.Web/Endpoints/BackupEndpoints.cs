using GhostCrate.Core.Backup;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Backups for administrators (docs/backup-and-restore.md, "Scheduled backups"): the schedule and the latest runs,
/// and "back up now", which queues a job (audited by BackupAdminService). Errors are ProblemDetails.
/// </summary>
public static class BackupEndpoints
{
    public static IEndpointRouteBuilder MapBackups(this IEndpointRouteBuilder app)
    {
        var backups = app.MapGroup("/api/v1/admin/backups").WithTags(ApiDocs.AdminTag).Auth(ApiAuth.TokenOrSession);

        backups.MapGet("", async Task<Results<Ok<BackupOverviewResponse>, ProblemHttpResult>> (int? limit, HttpContext context, BackupAdminService admin) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await admin.OverviewAsync(principal!, limit ?? 50, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Ok(BackupOverviewResponse.Of(result.Value!));
        }).Operation("listBackups", "The backup schedule, its next run, and the newest backup runs (limit= up to 200)").Problems(401, 403);

        backups.MapPost("", async Task<Results<Accepted<BackupQueuedResponse>, ProblemHttpResult>> (HttpContext context, BackupAdminService admin) =>
        {
            var (principal, problem) = await ApiCaller.RequireAsync(context);
            if (problem is not null) return problem;
            var result = await admin.RequestAsync(principal!, context.RequestAborted);
            return result.Error is { } error ? ApiResults.Problem(error) : TypedResults.Accepted("/api/v1/admin/backups", new BackupQueuedResponse(result.Value));
        }).Operation("requestBackup", "Back up now: queue a backup to Backup:Target (409 when none is configured or one is already queued)").Problems(401, 403, 409);
        return app;
    }
}
