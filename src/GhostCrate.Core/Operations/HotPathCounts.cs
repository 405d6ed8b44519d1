using System.Diagnostics.Metrics;

namespace GhostCrate.Core.Operations;

/// <summary>Where an index file or crate came from, as the `source` label says.</summary>
public enum ServedSource { Private, Proxy, Mirror }

/// <summary>Where a download's bytes were read from, as the `served_from` label says.</summary>
public enum ServedFrom { Memory, Disk, Storage }

/// <summary>
/// The counts behind GhostCrate's per-request counters (index answers, 304s, downloads). A request adds one with an
/// interlocked increment; the exporter reads every series when it collects (an observable counter), so a request
/// never pays for the SDK's tag lookup and aggregation, and every series exists, at zero, from the first scrape
/// (https://prometheus.io/docs/practices/instrumentation/#avoid-missing-metrics). Counts are per process, as any
/// Prometheus counter is; the series and their labels are the same as with synchronous counters.
/// </summary>
internal static class HotPathCounts
{
    private static readonly KeyValuePair<string, object?>[] SourceTags =
        [new("source", "private"), new("source", "proxy"), new("source", "mirror")];

    private static readonly KeyValuePair<string, object?>[] FromTags =
        [new("served_from", "memory"), new("served_from", "disk"), new("served_from", "storage")];

    // The (source, served from) pairs that happen, exported from zero on: private from all three, proxy from storage,
    // mirror from disk. Any other pair is exported once it has been counted.
    private static readonly (ServedSource Source, ServedFrom From)[] DownloadSeries =
    [
        (ServedSource.Private, ServedFrom.Memory), (ServedSource.Private, ServedFrom.Disk), (ServedSource.Private, ServedFrom.Storage),
        (ServedSource.Proxy, ServedFrom.Storage), (ServedSource.Mirror, ServedFrom.Disk),
    ];

    // One slot per source, each on its own cache line so that requests of different sources do not contend.
    private const int Stride = 8;
    private static readonly long[] IndexAnswers = new long[3 * Stride];
    private static readonly long[] NotModified = new long[3 * Stride];
    private static readonly long[] DownloadCounts = new long[9 * Stride];

    public static void IndexAnswered(ServedSource source, bool notModified)
    {
        Interlocked.Increment(ref IndexAnswers[(int)source * Stride]);
        if (notModified) Interlocked.Increment(ref NotModified[(int)source * Stride]);
    }

    public static void Downloaded(ServedSource source, ServedFrom from) =>
        Interlocked.Increment(ref DownloadCounts[((int)source * 3 + (int)from) * Stride]);

    public static IEnumerable<Measurement<long>> IndexRequests() => PerSource(IndexAnswers);

    public static IEnumerable<Measurement<long>> IndexNotModified() => PerSource(NotModified);

    public static IEnumerable<Measurement<long>> Downloads()
    {
        var measurements = new List<Measurement<long>>(DownloadSeries.Length);
        for (var source = 0; source < SourceTags.Length; source++)
        {
            for (var from = 0; from < FromTags.Length; from++)
            {
                var count = Volatile.Read(ref DownloadCounts[(source * 3 + from) * Stride]);
                if (count > 0 || DownloadSeries.Contains(((ServedSource)source, (ServedFrom)from)))
                    measurements.Add(new Measurement<long>(count, SourceTags[source], FromTags[from]));
            }
        }
        return measurements;
    }

    private static Measurement<long>[] PerSource(long[] counts) =>
    [
        new(Volatile.Read(ref counts[0]), SourceTags[0]),
        new(Volatile.Read(ref counts[Stride]), SourceTags[1]),
        new(Volatile.Read(ref counts[2 * Stride]), SourceTags[2]),
    ];
}
