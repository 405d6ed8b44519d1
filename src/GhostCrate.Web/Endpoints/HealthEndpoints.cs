using GhostCrate.Core.Operations;
using GhostCrate.Web.Health;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Probes for orchestrators (docs/operations.md, "Health checks"): /health/live says the process answers,
/// /health/startup that start-up has finished, /health/ready that this node should get traffic (database reachable
/// with every migration applied, crate storage reachable, started, not draining). /health and /ready are the older
/// names of live and ready. Anonymous, never cached, no details beyond names and states.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("").WithTags(ApiDocs.HealthTag).Auth(ApiAuth.Anonymous);
        health.MapGet("/health/live", Live).Operation("getLiveness", "Liveness: the process answers");
        health.MapGet("/health", Live).Operation("getLivenessAlias", "Liveness (older name of /health/live)");
        health.MapGet("/health/startup", Startup).Operation("getStartup", "Start-up: 503 until start-up tasks have finished")
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        health.MapGet("/health/ready", ReadyAsync).Operation("getReadiness", "Readiness: 503 when this node should get no traffic")
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        health.MapGet("/ready", ReadyAsync).Operation("getReadinessAlias", "Readiness (older name of /health/ready)")
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static JsonHttpResult<HealthReport> Live(HttpContext context) => Answer(context, new HealthReport(HealthStatus.Healthy, []));

    private static JsonHttpResult<HealthReport> Startup(HttpContext context, NodeLifecycle lifecycle)
    {
        var pending = lifecycle.PendingStartupTasks();
        var complete = lifecycle.StartupComplete;
        IReadOnlyList<HealthCheckEntry> checks = pending.Count > 0
            ? [.. pending.Select(name => new HealthCheckEntry(name, HealthStatus.Unhealthy, true, 0))]
            : [StartupCheck(complete)];
        return Answer(context, new HealthReport(complete ? HealthStatus.Healthy : HealthStatus.Starting, checks));
    }

    private static async Task<JsonHttpResult<HealthReport>> ReadyAsync(HttpContext context, NodeLifecycle lifecycle, ProbeRunner probes)
    {
        // Draining is decided before the probes run: a stopping node answers 503 even if the probes are slow.
        var draining = lifecycle.Draining;
        var started = lifecycle.StartupComplete;
        var dependencies = await probes.RunAllAsync(context.RequestAborted);
        var checks = new List<HealthCheckEntry>
        {
            StartupCheck(started),
            new("Drain", draining ? HealthStatus.Unhealthy : HealthStatus.Healthy, true, 0),
        };
        checks.AddRange(dependencies.Select(d => new HealthCheckEntry(
            d.Name,
            d.Healthy ? HealthStatus.Healthy : d.Required ? HealthStatus.Unhealthy : HealthStatus.Degraded,
            d.Required,
            Math.Round(d.Took.TotalMilliseconds, 1))));
        var status = draining ? HealthStatus.Draining
            : !started ? HealthStatus.Starting
            : checks.Any(c => c.Status == HealthStatus.Unhealthy) ? HealthStatus.Unhealthy
            : checks.Any(c => c.Status == HealthStatus.Degraded) ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        return Answer(context, new HealthReport(status, checks));
    }

    private static HealthCheckEntry StartupCheck(bool complete) => new("Startup", complete ? HealthStatus.Healthy : HealthStatus.Unhealthy, true, 0);

    /// <summary>200 for healthy and degraded, 503 otherwise; never cached (a cached 200 would hide an outage).</summary>
    private static JsonHttpResult<HealthReport> Answer(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        var ok = report.Status is HealthStatus.Healthy or HealthStatus.Degraded;
        return TypedResults.Json(report, statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
