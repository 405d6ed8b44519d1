using System.Text.Json.Serialization;

namespace GhostCrate.Web.Health;

/// <summary>
/// The body of every /health/* answer. Anonymous callers read it (probes carry no credentials), so it holds names
/// and states only: details that may name hosts or connection strings stay on /admin and in the log.
/// </summary>
/// <param name="Status">healthy, degraded (a non-required check fails), unhealthy, starting or draining.</param>
/// <param name="Checks">Each check that decided the answer (empty for liveness: the process answering is the check).</param>
public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks")] IReadOnlyList<HealthCheckEntry> Checks);

/// <param name="Name">What was checked, e.g. Database, Crate storage, Startup, Drain.</param>
/// <param name="Status">healthy, unhealthy, or degraded (unhealthy but not required).</param>
/// <param name="Required">Whether this check failing makes the node not ready.</param>
/// <param name="DurationMs">How long the check took, in milliseconds.</param>
public sealed record HealthCheckEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("duration_ms")] double DurationMs);

public static class HealthStatus
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
    public const string Starting = "starting";
    public const string Draining = "draining";
}
