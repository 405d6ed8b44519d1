using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Metrics;

/// <summary>Telemetry:OtlpEndpoint: traces and metrics reach an OTLP receiver (HTTP/protobuf or gRPC), with our service.name.</summary>
public sealed class OtlpExportTests
{
    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task Traces_and_metrics_are_exported_over_otlp_with_the_service_name(string protocol)
    {
        var grpc = protocol == "grpc";
        await using var receiver = await OtlpReceiver.StartAsync(grpc);
        await using var app = await TestApp.StartAsync(new()
        {
            ["Telemetry:OtlpEndpoint"] = receiver.Endpoint.ToString(),
            ["Telemetry:OtlpProtocol"] = protocol,
            ["Telemetry:ServiceName"] = "ghostcrate-otlp-test",
            ["Telemetry:MetricExportIntervalSeconds"] = "1",
        });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        OtlpExport? trace = null, metrics = null;
        while (trace is null || metrics is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no trace and metrics export arrived; got: " + string.Join(", ", receiver.Received.Select(r => r.Path)));
            using (await app.Client().GetAsync("/index/config.json")) { }
            // Polling with a deadline: the exporters send on their own schedules (batch delay, export interval).
            await Task.Delay(250);
            trace = receiver.Received.FirstOrDefault(r => r.Path == "/v1/traces" && r.ServiceName() == "ghostcrate-otlp-test");
            metrics = receiver.Received.FirstOrDefault(r => r.Path == "/v1/metrics" && r.ServiceName() == "ghostcrate-otlp-test");
        }

        var contentType = grpc ? "application/grpc" : "application/x-protobuf";
        Assert.Equal(contentType, trace.ContentType);
        Assert.Equal(contentType, metrics.ContentType);
        // Our meter is in the export (the metric name is a string field of the protobuf).
        Assert.True(metrics.Body.AsSpan().IndexOf("ghostcrate_index_requests"u8) >= 0, "ghostcrate_index_requests is not in the OTLP metrics export");
    }

    [Fact]
    public async Task An_endpoint_that_is_not_a_url_stops_the_start_with_a_message_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(new() { ["Telemetry:OtlpEndpoint"] = "not a url" }));
        Assert.Contains("Telemetry:OtlpEndpoint must be an absolute http(s) URL", error.Message);
    }
}
