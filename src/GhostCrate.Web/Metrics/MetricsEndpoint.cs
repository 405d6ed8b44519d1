using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Metrics;

/// <summary>
/// The one Prometheus exposition writer (OpenTelemetry's Prometheus exporter, text format 0.0.4:
/// https://prometheus.io/docs/instrumenting/exposition_formats/), used by `serve` and by `mirror sync --metrics` alike,
/// so a metric has the same name and shape wherever it is scraped.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Adds the exporter to a meter provider.</summary>
    public static MeterProviderBuilder AddGhostCratePrometheus(this MeterProviderBuilder metrics) =>
        metrics.AddPrometheusExporter(options =>
        {
            // Every scrape sees the counters as they are now (gauges read at scrape time would otherwise lag a scrape).
            options.ScrapeResponseCacheDurationMilliseconds = 0;
            options.ScrapeEndpointPath = Path;
            // Instrument names are unique across our meters: an otel_scope_name label on every series adds nothing.
            options.ScopeInfoEnabled = false;
        });

    /// <summary>
    /// Answers GET /metrics before anything else of the application (no session, no UI, no Cargo envelope), behind
    /// <paramref name="bearerToken"/> when one is set. <paramref name="beforeCollect"/> runs first (values read at scrape time).
    /// </summary>
    public static IApplicationBuilder UseGhostCratePrometheus(this IApplicationBuilder app, string? bearerToken, Func<HttpContext, Task>? beforeCollect = null) =>
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase),
            path: null,
            configureBranchedPipeline: branch =>
            {
                if (!string.IsNullOrEmpty(bearerToken)) branch.UseMiddleware<MetricsBearerToken>(bearerToken);
                if (beforeCollect is not null) branch.Use(async (context, next) =>
                {
                    await beforeCollect(context);
                    await next(context);
                });
            },
            optionsName: null);
}
