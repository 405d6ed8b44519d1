namespace GhostCrate.Core.Proxy;

/// <summary>
/// What this process saw of one upstream since the last flush to the database. Counting in memory keeps the hot path
/// (a cache hit) free of database writes; <see cref="ProxyStatistics"/> adds the deltas to the database periodically.
/// Cache hits, counted on every request a mount answers from memory (the index and download fast paths, on the
/// socket threads), are one interlocked count each in <see cref="Cache"/>, which the exporter reads too: no lock that
/// the other socket thread may hold when it is preempted, no allocation and no aggregator lookup. A flush or a read
/// takes the hits counted since the last flush from there. The rare events go through <see cref="Record"/>.
/// </summary>
public sealed class UpstreamStats(string upstream)
{
    private readonly Lock _gate = new();
    private UpstreamCounters _pending = UpstreamCounters.Zero;
    // The hit counts (in Cache, never reset) that earlier flushes took; written under _gate.
    private long _indexHitsTaken;
    private long _crateHitsTaken;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    // The other events as Prometheus counters (GhostCrateMetrics), labelled by the configured upstream name; tag built once.
    private readonly KeyValuePair<string, object?> _upstream = new("upstream", upstream);

    /// <summary>This upstream's cache lookups since the process started (`ghostcrate_proxy_cache_requests`).</summary>
    public ProxyCacheCounts Cache { get; } = new(upstream);

    /// <summary>Starts this upstream's series at zero (see <see cref="Operations.GhostCrateMetrics.InitializeSeries"/>); <see cref="Cache"/> reports its own from zero on.</summary>
    public void InitializeSeries()
    {
        Operations.GhostCrateMetrics.ProxyUpstreamErrors.Add(0, _upstream);
        Operations.GhostCrateMetrics.ProxyCircuitOpen.Add(0, _upstream);
        Operations.GhostCrateMetrics.DependencyConfusionRefusals.Add(0, _upstream);
        Operations.GhostCrateMetrics.ProxyIndexPrefetches.Add(0, _upstream, PrefetchQueuedTag);
        Operations.GhostCrateMetrics.ProxyIndexPrefetches.Add(0, _upstream, PrefetchDroppedTag);
        Operations.GhostCrateMetrics.ProxyCratePrefetches.Add(0, _upstream, PrefetchQueuedTag);
        Operations.GhostCrateMetrics.ProxyCratePrefetches.Add(0, _upstream, PrefetchDroppedTag);
    }

    private static readonly KeyValuePair<string, object?> PrefetchQueuedTag = new("result", "queued");
    private static readonly KeyValuePair<string, object?> PrefetchDroppedTag = new("result", "dropped");

    /// <summary>A dependency's index file was queued to be fetched ahead of cargo (<see cref="ProxyIndexPrefetch"/>), or not, the queue being full.</summary>
    public void Prefetch(bool queued) => Operations.GhostCrateMetrics.ProxyIndexPrefetches.Add(1, _upstream, queued ? PrefetchQueuedTag : PrefetchDroppedTag);

    /// <summary>An index file a client read was queued for its newest release's .crate to be fetched ahead of cargo (<see cref="ProxyCratePrefetch"/>), or not, the queue being full.</summary>
    public void CratePrefetch(bool queued) => Operations.GhostCrateMetrics.ProxyCratePrefetches.Add(1, _upstream, queued ? PrefetchQueuedTag : PrefetchDroppedTag);

    public void Record(Func<UpstreamCounters, UpstreamCounters> change)
    {
        lock (_gate) _pending = change(_pending);
    }

    public void IndexHit() => Cache.Add(ProxyCacheResult.IndexHit);

    public void IndexMiss()
    {
        Cache.Add(ProxyCacheResult.IndexMiss);
        Record(c => c with { IndexMisses = c.IndexMisses + 1 });
    }

    public void Revalidated(bool notModified) => Record(c => c with { Revalidations = c.Revalidations + 1, NotModified = c.NotModified + (notModified ? 1 : 0) });
    public void StaleServed()
    {
        Cache.Add(ProxyCacheResult.IndexStale);
        Record(c => c with { StaleServed = c.StaleServed + 1 });
    }

    public void CrateHit() => Cache.Add(ProxyCacheResult.CrateHit);

    public void CrateMiss()
    {
        Cache.Add(ProxyCacheResult.CrateMiss);
        Record(c => c with { CrateMisses = c.CrateMisses + 1 });
    }

    /// <summary>The circuit breaker opened (+1) or closed (-1).</summary>
    public void CircuitChanged(bool open) => Operations.GhostCrateMetrics.ProxyCircuitOpen.Add(open ? 1 : -1, _upstream);

    public void ChecksumMismatch() => Record(c => c with { ChecksumMismatches = c.ChecksumMismatches + 1 });

    public void Success(DateTimeOffset at) => Record(c => c.Add(new UpstreamCounters { LastSuccessAt = at }));

    public void Failure(DateTimeOffset at, string error)
    {
        Operations.GhostCrateMetrics.ProxyUpstreamErrors.Add(1, _upstream);
        Record(c => c.Add(new UpstreamCounters { Errors = 1, LastErrorAt = at, LastError = Truncate(error) }));
    }

    /// <summary>The pending delta, without taking it.</summary>
    public UpstreamCounters Peek()
    {
        lock (_gate) return WithHits(_pending, Cache.Read(ProxyCacheResult.IndexHit) - _indexHitsTaken, Cache.Read(ProxyCacheResult.CrateHit) - _crateHitsTaken);
    }

    private static UpstreamCounters WithHits(UpstreamCounters counters, long indexHits, long crateHits) =>
        indexHits == 0 && crateHits == 0 ? counters : counters with { IndexHits = counters.IndexHits + indexHits, CrateHits = counters.CrateHits + crateHits };

    /// <summary>
    /// Moves the pending delta into the database through <paramref name="store"/>; a delta it fails to store is put
    /// back for the next flush. A reader (<see cref="ReadAsync"/>) waits meanwhile: between taking the delta and the
    /// database's commit, neither memory nor the database would show it.
    /// </summary>
    public async Task FlushAsync(Func<UpstreamCounters, Task> store, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            UpstreamCounters taken;
            // Each hit is either in this delta or counted after the read of its count (then in the next one), never in both.
            lock (_gate)
            {
                var (indexHits, crateHits) = (Cache.Read(ProxyCacheResult.IndexHit), Cache.Read(ProxyCacheResult.CrateHit));
                (taken, _pending) = (WithHits(_pending, indexHits - _indexHitsTaken, crateHits - _crateHitsTaken), UpstreamCounters.Zero);
                (_indexHitsTaken, _crateHitsTaken) = (indexHits, crateHits);
            }
            if (taken.IsEmpty) return;
            try
            {
                await store(taken);
            }
            catch
            {
                Record(c => taken.Add(c));
                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>The database's totals (<paramref name="stored"/>) plus what this process has not flushed yet, never between the two.</summary>
    public async Task<UpstreamCounters> ReadAsync(Func<Task<UpstreamCounters>> stored, CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            return (await stored()).Add(Peek());
        }
        finally
        {
            _flushing.Release();
        }
    }

    // Error texts end up in a database column and a status page; a runaway message must not.
    private static string Truncate(string error) => error.Length <= 500 ? error : error[..500] + "…";
}
