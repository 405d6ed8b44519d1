using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using GhostCrate.Mirror.Downloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Cli.Mirror;

/// <summary>
/// `mirror sync --metrics HOST:PORT`: GET /metrics answers the mirror counters in the Prometheus text format
/// (https://prometheus.io/docs/instrumenting/exposition_formats/) for as long as the sync runs. The Prometheus
/// exporter packages do not restore here, so the counters are collected with a MeterListener.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<(string Name, string Labels), long> _values = new();

    private MetricsEndpoint(string listen)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MirrorMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var labels = new StringBuilder();
            foreach (var tag in tags)
            {
                if (labels.Length > 0) labels.Append(',');
                labels.Append(tag.Key).Append("=\"").Append(Convert.ToString(tag.Value, CultureInfo.InvariantCulture)?.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }
            _values.AddOrUpdate((instrument.Name, labels.ToString()), value, (_, old) => old + value);
        });
        _listener.Start();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = HostDefaults.Args });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{listen}");
        _app = builder.Build();
        _app.MapGet("/metrics", () => Results.Text(Render(), "text/plain; version=0.0.4; charset=utf-8"));
    }

    public static async Task<MetricsEndpoint> StartAsync(string listen, TextWriter output)
    {
        var endpoint = new MetricsEndpoint(listen);
        await endpoint._app.StartAsync();
        await output.WriteLineAsync($"Metrics: http://{listen}/metrics");
        return endpoint;
    }

    private string Render()
    {
        var text = new StringBuilder();
        foreach (var group in _values.OrderBy(v => v.Key.Name, StringComparer.Ordinal).ThenBy(v => v.Key.Labels, StringComparer.Ordinal).GroupBy(v => v.Key.Name))
        {
            var name = group.Key + "_total";
            text.Append("# TYPE ").Append(name).Append(" counter\n");
            foreach (var ((_, labels), value) in group)
            {
                text.Append(name);
                if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
                text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
