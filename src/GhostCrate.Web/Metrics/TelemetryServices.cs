using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using GhostCrate.Mirror.Downloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GhostCrate.Web.Metrics;

/// <summary>
/// Metrics and traces through OpenTelemetry: Prometheus /metrics (Metrics:Enabled, on by default) and OTLP export
/// when a collector is configured (Telemetry:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT).
/// </summary>
public static class TelemetryServices
{
    /// <summary>
    /// The meters exported: ours, the offline mirror's, ASP.NET Core's request and Kestrel connection meters, the
    /// runtime's (GC, thread pool, allocations) and HttpClient's (upstream calls).
    /// (https://learn.microsoft.com/dotnet/core/diagnostics/built-in-metrics-aspnetcore,
    /// https://learn.microsoft.com/dotnet/core/diagnostics/built-in-metrics-runtime)
    /// </summary>
    public static readonly string[] Meters =
    [
        GhostCrateMetrics.MeterName, MirrorMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "System.Net.Http",
    ];

    // ASP.NET Core's advice for http.server.request.duration (seconds), kept when the view narrows the tags.
    private static readonly double[] RequestDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private static readonly double[] FlushLagBuckets = [0.5, 1, 2, 5, 10, 30, 60, 120];

    public static IServiceCollection AddGhostCrateTelemetry(this IServiceCollection services, MetricsOptions metrics, TelemetryOptions telemetry)
    {
        var endpoint = telemetry.EffectiveEndpoint(Environment.GetEnvironmentVariable);
        var grpc = telemetry.UsesGrpc(Environment.GetEnvironmentVariable);
        if (!metrics.Enabled && endpoint is null) return services;

        var otel = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(telemetry.ServiceName));
        if (metrics.Enabled)
        {
            var gauges = new ScrapeTimeGauges.Scope(ScrapeTimeGauges.NextMeterName());
            services.AddSingleton(gauges);
            services.AddSingleton<ScrapeTimeGauges>();
            services.AddSingleton<ActiveRequests>();
            otel.WithMetrics(builder =>
            {
                builder.AddMeter(Meters).AddMeter(gauges.MeterName)
                    .AddView(GhostCrateMetrics.StorageDuration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = GhostCrateMetrics.FastDurationBuckets })
                    .AddView(GhostCrateMetrics.DatabaseDuration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = GhostCrateMetrics.FastDurationBuckets })
                    .AddView(GhostCrateMetrics.DownloadCountFlushLag.Name, new ExplicitBucketHistogramConfiguration { Boundaries = FlushLagBuckets })
                    // Route template, method and status are what the dashboards and alerts group by; the scheme and
                    // protocol version would only multiply the series (and the per-request tag work).
                    .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration
                    {
                        Boundaries = RequestDurationBuckets,
                        TagKeys = ["http.route", "http.request.method", "http.response.status_code"],
                    })
                    .AddView(instrument => instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.active_requests"
                        ? MetricStreamConfiguration.Drop : null)
                    .AddPrometheusSafeRuntimeNames()
                    .AddGhostCratePrometheus();
                if (endpoint is not null)
                {
                    builder.AddOtlpExporter((exporter, reader) =>
                    {
                        Configure(exporter, endpoint, grpc, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = telemetry.MetricExportIntervalSeconds * 1000;
                    });
                }
            });
        }
        if (endpoint is not null)
        {
            otel.WithTracing(builder => builder
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsEndpoint.Path))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(exporter => Configure(exporter, endpoint, grpc, "v1/traces")));
        }
        return services;
    }

    /// <summary>
    /// Prometheus reserves the `_count` suffix for histograms and summaries (`promtool check metrics` flags it), so the
    /// runtime's four `*.count` gauges are exported under plural names.
    /// </summary>
    private static MeterProviderBuilder AddPrometheusSafeRuntimeNames(this MeterProviderBuilder builder) => builder
        .AddView("dotnet.assembly.count", new MetricStreamConfiguration { Name = "dotnet.assemblies" })
        .AddView("dotnet.process.cpu.count", new MetricStreamConfiguration { Name = "dotnet.process.cpus" })
        .AddView("dotnet.thread_pool.thread.count", new MetricStreamConfiguration { Name = "dotnet.thread_pool.threads" })
        .AddView("dotnet.timer.count", new MetricStreamConfiguration { Name = "dotnet.timers" });

    /// <summary>
    /// An endpoint set in code is used as it is (the exporter adds the per-signal path only to one read from the
    /// environment), so the OTLP/HTTP paths are added here (https://opentelemetry.io/docs/specs/otel/protocol/exporter/).
    /// </summary>
    private static void Configure(OtlpExporterOptions exporter, Uri endpoint, bool grpc, string signalPath)
    {
        exporter.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
    }

    /// <summary>Answers /metrics (when enabled) ahead of the rest of the application.</summary>
    public static IApplicationBuilder UseGhostCrateMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled || app.Services.GetService<ScrapeTimeGauges>() is not { } gauges) return app;
        // The provider starts listening when it is built; series known in advance start at zero from then on.
        _ = app.Services.GetRequiredService<MeterProvider>();
        GhostCrateMetrics.InitializeSeries();
        MirrorMetrics.InitializeSeries();
        RateLimiting.RateLimits.InitializeSeries();
        foreach (var upstream in app.Services.GetService<Core.Proxy.UpstreamRegistries>()?.All ?? []) upstream.Stats.InitializeSeries();
        return app.UseGhostCratePrometheus(options.BearerToken, context => gauges.RefreshAsync(context.RequestAborted));
    }
}
