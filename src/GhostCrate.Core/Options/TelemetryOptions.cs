namespace GhostCrate.Core.Options;

/// <summary>
/// Section Telemetry: optional export of traces and metrics over OTLP (https://opentelemetry.io/docs/specs/otlp/) to a
/// collector. Off unless an endpoint is set here or in the standard OTEL_EXPORTER_OTLP_ENDPOINT variable.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string StandardProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>The collector's base URL, e.g. http://127.0.0.1:4318 (OTLP/HTTP) or http://127.0.0.1:4317 (gRPC).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>http/protobuf (default) or grpc, as OTEL_EXPORTER_OTLP_PROTOCOL spells them.</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>The resource attribute service.name.</summary>
    public string ServiceName { get; set; } = "ghostcrate";

    /// <summary>How often metrics are pushed to the collector.</summary>
    public int MetricExportIntervalSeconds { get; set; } = 60;

    /// <summary>The endpoint in force: this section's, else the standard variable's; null = no OTLP export.</summary>
    public Uri? EffectiveEndpoint(Func<string, string?> environment) =>
        (string.IsNullOrWhiteSpace(OtlpEndpoint) ? environment(StandardEndpointVariable) : OtlpEndpoint) is { Length: > 0 } text
            && Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) ? uri : null;

    public bool UsesGrpc(Func<string, string?> environment) =>
        string.Equals((string.IsNullOrWhiteSpace(OtlpProtocol) ? environment(StandardProtocolVariable) : OtlpProtocol)?.Trim(), "grpc", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<string> Validate(TelemetryOptions options, Func<string, string?> environment)
    {
        var configured = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? environment(StandardEndpointVariable) : options.OtlpEndpoint;
        var from = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? StandardEndpointVariable : $"{Section}:OtlpEndpoint";
        if (!string.IsNullOrWhiteSpace(configured)
            && (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            yield return $"{from} must be an absolute http(s) URL such as http://127.0.0.1:4318 (got '{configured}')";
        var protocol = string.IsNullOrWhiteSpace(options.OtlpProtocol) ? environment(StandardProtocolVariable) : options.OtlpProtocol;
        if (!string.IsNullOrWhiteSpace(protocol) && protocol.Trim() is not ("http/protobuf" or "grpc"))
            yield return $"{Section}:OtlpProtocol (or {StandardProtocolVariable}) must be http/protobuf or grpc (got '{protocol}')";
        if (string.IsNullOrWhiteSpace(options.ServiceName)) yield return $"{Section}:ServiceName must not be empty";
        if (options.MetricExportIntervalSeconds is < 1 or > 3600) yield return $"{Section}:MetricExportIntervalSeconds must be between 1 and 3600 (got {options.MetricExportIntervalSeconds})";
    }
}
