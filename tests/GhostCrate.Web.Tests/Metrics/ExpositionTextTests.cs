using System.Diagnostics.Metrics;
using GhostCrate.Testing;
using GhostCrate.Web.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace GhostCrate.Web.Tests.Metrics;

/// <summary>
/// The exposition writer shared by `serve` and `mirror sync --metrics` (<see cref="MetricsEndpoint"/>), read back
/// with a strict parser of the text format: escaped label values, histogram buckets, contiguous families.
/// </summary>
public sealed class ExpositionTextTests
{
    [Fact]
    public async Task Label_values_with_quotes_backslashes_and_newlines_are_escaped_and_read_back_unchanged()
    {
        await using var writer = await Writer.StartAsync();
        const string tricky = "a \"quoted\" C:\\path\nnext line";
        writer.Counter.Add(3, new KeyValuePair<string, object?>("value", tricky));

        var text = await writer.ScrapeAsync();

        Assert.Contains("value=\"a \\\"quoted\\\" C:\\\\path\\nnext line\"", text);
        var sample = Assert.Single(PrometheusText.Parse(text).Single(f => f.Name == writer.CounterName).Samples);
        Assert.Equal(tricky, sample.Labels["value"]);
        Assert.Equal(3, sample.Value);
    }

    [Fact]
    public async Task Every_histogram_series_ends_with_a_plus_Inf_bucket_equal_to_its_count()
    {
        await using var writer = await Writer.StartAsync();
        foreach (var value in (double[])[0.001, 0.2, 0.2, 3, 1e6]) writer.Histogram.Record(value, new KeyValuePair<string, object?>("op", "a"));
        writer.Histogram.Record(0.5, new KeyValuePair<string, object?>("op", "b"));

        var family = PrometheusText.Parse(await writer.ScrapeAsync()).Single(f => f.Name == writer.HistogramName);

        Assert.Equal("histogram", family.Type);
        Assert.Empty(PrometheusText.HistogramProblems(family));
        var a = family.Samples.Where(s => s.Labels.GetValueOrDefault("op") == "a").ToList();
        Assert.Equal(5, a.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value);
        Assert.Equal(5, a.Single(s => s.Labels.GetValueOrDefault("le") == "+Inf").Value);
        // The value above every boundary is only in +Inf: the bucket below it holds 4.
        Assert.Equal(4, a.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).OrderBy(s => s.Value).SkipLast(1).Last().Value);
    }

    [Fact]
    public async Task Each_family_is_written_once_with_its_type_and_all_its_samples_together()
    {
        await using var writer = await Writer.StartAsync();
        // Interleaved recordings of several instruments and label sets.
        for (var i = 0; i < 3; i++)
        {
            writer.Counter.Add(1, new KeyValuePair<string, object?>("value", $"v{i}"));
            writer.Histogram.Record(i, new KeyValuePair<string, object?>("op", $"o{i}"));
            writer.Counter.Add(1, new KeyValuePair<string, object?>("value", "v0"));
        }

        var text = await writer.ScrapeAsync();
        var families = PrometheusText.Parse(text); // throws when a family is split or a sample is outside its family

        Assert.Equal(families.Count, families.Select(f => f.Name).Distinct().Count());
        var counter = families.Single(f => f.Name == writer.CounterName);
        Assert.Equal("counter", counter.Type);
        Assert.NotNull(counter.Help);
        Assert.Equal(4, counter.Samples.Single(s => s.Labels["value"] == "v0").Value);
        Assert.Equal(3, counter.Samples.Count);
    }

    [Fact]
    public void The_parser_rejects_a_family_split_in_two()
    {
        const string split = "# TYPE a_total counter\na_total{x=\"1\"} 1\n# TYPE b gauge\nb 2\na_total{x=\"2\"} 1\n";
        Assert.Throws<FormatException>(() => PrometheusText.Parse(split));
    }

    /// <summary>A throwaway Kestrel app exporting one meter of its own through <see cref="MetricsEndpoint"/>.</summary>
    private sealed class Writer : IAsyncDisposable
    {
        private readonly LoopbackServer _server;
        private readonly Meter _meter;
        private readonly HttpClient _http;

        private Writer(LoopbackServer server, Meter meter, Uri address)
        {
            _server = server;
            _meter = meter;
            _http = new HttpClient { BaseAddress = address };
            var id = meter.Name.Replace('.', '_');
            CounterName = $"{id}_things_total";
            HistogramName = $"{id}_work_duration_seconds";
            Counter = meter.CreateCounter<long>($"{id}_things", description: "Things, by value");
            Histogram = meter.CreateHistogram<double>($"{id}_work_duration", unit: "s", description: "Work");
        }

        public string CounterName { get; }
        public string HistogramName { get; }
        public Counter<long> Counter { get; }
        public Histogram<double> Histogram { get; }

        public static async Task<Writer> StartAsync()
        {
            var meterName = "test_" + Guid.NewGuid().ToString("N")[..12];
            var server = await LoopbackServer.StartAsync(
                app => app.UseGhostCratePrometheus(bearerToken: null),
                builder => builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(meterName).AddGhostCratePrometheus()));
            _ = server.Services.GetRequiredService<MeterProvider>();
            return new Writer(server, new Meter(meterName), server.BaseAddress);
        }

        public async Task<string> ScrapeAsync()
        {
            using var response = await _http.GetAsync(MetricsEndpoint.Path);
            response.EnsureSuccessStatusCode();
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            return await response.Content.ReadAsStringAsync();
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            _meter.Dispose();
            await _server.DisposeAsync();
        }
    }
}
