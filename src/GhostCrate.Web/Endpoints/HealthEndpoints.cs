using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Endpoints;

/// <summary>/health says the process is alive (liveness); /ready says its database and storage answer (readiness).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "alive" }));
        app.MapGet("/ready", async (IDatabase database, IBlobStore blobs, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var logger = loggers.CreateLogger("GhostCrate.Ready");
            var db = await ProbeAsync(() => database.CheckHealthAsync(ct), "database", logger);
            var storage = await ProbeAsync(() => blobs.CheckHealthAsync(ct), "storage", logger);
            var ok = db is null && storage is null;
            return Results.Json(
                new { status = ok ? "ready" : "unavailable", database = db ?? "ok", storage = storage ?? "ok" },
                statusCode: ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private static async Task<string?> ProbeAsync(Func<Task> probe, string name, ILogger logger)
    {
        try
        {
            await probe();
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The detail goes to the log only: connection strings and endpoints stay out of an anonymous response.
            logger.LogWarning(ex, "Readiness probe of {Dependency} failed", name);
            return "unreachable";
        }
    }
}
