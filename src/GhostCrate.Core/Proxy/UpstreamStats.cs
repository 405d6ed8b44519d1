namespace GhostCrate.Core.Proxy;

/// <summary>
/// What this process saw of one upstream since the last flush to the database. Counting in memory keeps the hot path
/// (a cache hit) free of database writes; <see cref="ProxyStatistics"/> adds the deltas to the database periodically.
/// Cache hits, counted on every request a mount answers from memory (the index and download fast paths, on the
/// socket threads), are plain interlocked counts that a flush or a read folds in: no lock that the other socket
/// thread may hold when it is preempted, and no allocation. The rare events go through <see cref="Record"/>.
/// </summary>
public sealed class UpstreamStats(string upstream)
{
    private readonly Lock _gate = new();
    private UpstreamCounters _pending = UpstreamCounters.Zero;
    private long _indexHits;
    private long _crateHits;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    // The same events as Prometheus counters (GhostCrateMetrics), labelled by the configured upstream name; tags built once.
    private readonly KeyValuePair<string, object?> _upstream = new("upstream", upstream);
    private static readonly KeyValuePair<string, object?> Index = new("kind", "index");
    private static readonly KeyValuePair<string, object?> Crate = new("kind", "crate");
    private static readonly KeyValuePair<string, object?> Hit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> Miss = new("result", "miss");
    private static readonly KeyValuePair<string, object?> Stale = new("result", "stale");

    /// <summary>Starts this upstream's series at zero (see <see cref="Operations.GhostCrateMetrics.InitializeSeries"/>).</summary>
    public void InitializeSeries()
    {
        foreach (var (kind, result) in (ReadOnlySpan<(KeyValuePair<string, object?>, KeyValuePair<string, object?>)>)[(Index, Hit), (Index, Miss), (Index, Stale), (Crate, Hit), (Crate, Miss)])
            Operations.GhostCrateMetrics.ProxyCache.Add(0, _upstream, kind, result);
        Operations.GhostCrateMetrics.ProxyUpstreamErrors.Add(0, _upstream);
        Operations.GhostCrateMetrics.ProxyCircuitOpen.Add(0, _upstream);
        Operations.GhostCrateMetrics.DependencyConfusionRefusals.Add(0, _upstream);
    }

    private void Cache(KeyValuePair<string, object?> kind, KeyValuePair<string, object?> result) => Operations.GhostCrateMetrics.ProxyCache.Add(1, _upstream, kind, result);

    public void Record(Func<UpstreamCounters, UpstreamCounters> change)
    {
        lock (_gate) _pending = change(_pending);
    }

    public void IndexHit()
    {
        Cache(Index, Hit);
        Interlocked.Increment(ref _indexHits);
    }

    public void IndexMiss()
    {
        Cache(Index, Miss);
        Record(c => c with { IndexMisses = c.IndexMisses + 1 });
    }

    public void Revalidated(bool notModified) => Record(c => c with { Revalidations = c.Revalidations + 1, NotModified = c.NotModified + (notModified ? 1 : 0) });
    public void StaleServed()
    {
        Cache(Index, Stale);
        Record(c => c with { StaleServed = c.StaleServed + 1 });
    }

    public void CrateHit()
    {
        Cache(Crate, Hit);
        Interlocked.Increment(ref _crateHits);
    }

    public void CrateMiss()
    {
        Cache(Crate, Miss);
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
        lock (_gate) return WithHits(_pending, Interlocked.Read(ref _indexHits), Interlocked.Read(ref _crateHits));
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
            // Each hit is either in this delta or still counted for the next one (the exchange), never in both.
            lock (_gate) (taken, _pending) = (WithHits(_pending, Interlocked.Exchange(ref _indexHits, 0), Interlocked.Exchange(ref _crateHits, 0)), UpstreamCounters.Zero);
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
