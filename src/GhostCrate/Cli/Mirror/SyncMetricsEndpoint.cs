using GhostCrate.Mirror.Downloads;
using GhostCrate.Web.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace GhostCrate.Cli.Mirror;

/// <summary>
/// `mirror sync --metrics HOST:PORT`: GET /metrics answers the mirror's counters for as long as the sync runs,
/// written by the same Prometheus exporter as the server's /metrics (<see cref="MetricsEndpoint"/>), so the names and
/// shapes are the same wherever a mirror's counters are scraped.
/// </summary>
public sealed class SyncMetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SyncMetricsEndpoint(string listen)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = HostDefaults.Args });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{listen}");
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(MirrorMetrics.MeterName).AddGhostCratePrometheus());
        _app = builder.Build();
        _ = _app.Services.GetRequiredService<MeterProvider>();
        MirrorMetrics.InitializeSeries();
        _app.UseGhostCratePrometheus(bearerToken: null);
    }

    public static async Task<SyncMetricsEndpoint> StartAsync(string listen, TextWriter output)
    {
        var endpoint = new SyncMetricsEndpoint(listen);
        await endpoint._app.StartAsync();
        await output.WriteLineAsync($"Metrics: http://{listen}{MetricsEndpoint.Path}");
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
