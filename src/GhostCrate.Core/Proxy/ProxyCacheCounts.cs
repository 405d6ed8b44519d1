using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace GhostCrate.Core.Proxy;

/// <summary>What a proxy cache lookup found, as the `kind` and `result` labels of `ghostcrate_proxy_cache_requests` say.</summary>
public enum ProxyCacheResult { IndexHit, IndexMiss, IndexStale, CrateHit, CrateMiss }

/// <summary>
/// One upstream's proxy cache lookups since the process started, by <see cref="ProxyCacheResult"/>: interlocked counts
/// that the exporter reads when it collects (`ghostcrate_proxy_cache_requests` is an observable counter), as
/// Operations/HotPathCounts does for the index and download counters. A hit is counted on every request a mount
/// answers from memory, a proxied 304 included: a synchronous counter with three tags cost an aggregator lookup (tag
/// sort, hashing, a dictionary) on each. The counts are never reset, so they are also where
/// <see cref="UpstreamStats"/> takes the hits it has not stored yet.
/// </summary>
public sealed class ProxyCacheCounts
{
    private static readonly int Results = Enum.GetValues<ProxyCacheResult>().Length;

    // Every live instance, for the exporter; an instance leaves when its upstream set is collected (test hosts come and go).
    private static readonly ConditionalWeakTable<ProxyCacheCounts, string> Live = new();

    private static readonly KeyValuePair<string, object?>[] Kinds = [new("kind", "index"), new("kind", "crate")];
    private static readonly KeyValuePair<string, object?>[] ResultTags = [new("result", "hit"), new("result", "miss"), new("result", "stale")];

    // The (kind, result) labels of each ProxyCacheResult, in the enum's order.
    private static readonly (KeyValuePair<string, object?> Kind, KeyValuePair<string, object?> Result)[] Labels =
    [
        (Kinds[0], ResultTags[0]), (Kinds[0], ResultTags[1]), (Kinds[0], ResultTags[2]), (Kinds[1], ResultTags[0]), (Kinds[1], ResultTags[1]),
    ];

    // One slot per result, each on its own cache line (the first one's line away from the array's length field).
    private const int Stride = 8;
    private readonly long[] _counts = new long[(Results + 1) * Stride];

    public ProxyCacheCounts(string upstream) => Live.Add(this, upstream);

    public void Add(ProxyCacheResult result) => Interlocked.Increment(ref _counts[((int)result + 1) * Stride]);

    /// <summary>Only grows.</summary>
    public long Read(ProxyCacheResult result) => Volatile.Read(ref _counts[((int)result + 1) * Stride]);

    /// <summary>
    /// Every series of every upstream, from zero on (https://prometheus.io/docs/practices/instrumentation/#avoid-missing-metrics).
    /// Instances of one upstream name (several hosts in one process, as in tests) are added up: one value per series.
    /// </summary>
    internal static IEnumerable<Measurement<long>> Measurements()
    {
        var totals = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (counts, upstream) in Live)
        {
            if (!totals.TryGetValue(upstream, out var sum)) totals[upstream] = sum = new long[Results];
            for (var r = 0; r < Results; r++) sum[r] += counts.Read((ProxyCacheResult)r);
        }
        var measurements = new List<Measurement<long>>(totals.Count * Results);
        foreach (var (upstream, sum) in totals)
        {
            var tag = new KeyValuePair<string, object?>("upstream", upstream);
            for (var r = 0; r < Results; r++) measurements.Add(new Measurement<long>(sum[r], tag, Labels[r].Kind, Labels[r].Result));
        }
        return measurements;
    }
}
