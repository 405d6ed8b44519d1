using System.Diagnostics.Metrics;

namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// Counters of the mirror engine (System.Diagnostics.Metrics), so the host can expose them in the Prometheus text
/// format while a sync runs, or send them through OpenTelemetry.
/// </summary>
public static class MirrorMetrics
{
    public const string MeterName = "GhostCrate.Mirror";
    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Files = Meter.CreateCounter<long>("ghostcrate_mirror_files", description: "Crate files handled, by status");
    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>("ghostcrate_mirror_bytes", unit: "By", description: "Bytes received from the upstream");
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("ghostcrate_mirror_retries", description: "Download attempts that failed and were retried");
    public static readonly Counter<long> IndexFiles = Meter.CreateCounter<long>("ghostcrate_mirror_index_files_updated", description: "Served index files replaced");

    /// <summary>Starts every series at zero, so a scrape shows them (and rate() works) before the first file.</summary>
    public static void InitializeSeries()
    {
        foreach (var status in Enum.GetValues<DownloadStatus>()) Files.Add(0, new KeyValuePair<string, object?>("status", StatusLabel(status)));
        Bytes.Add(0);
        Retries.Add(0);
        IndexFiles.Add(0);
    }

    public static string StatusLabel(DownloadStatus status) => status.ToString().ToLowerInvariant();
}
