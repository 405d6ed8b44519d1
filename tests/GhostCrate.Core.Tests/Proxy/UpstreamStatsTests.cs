using System.Diagnostics.Metrics;
using GhostCrate.Core.Operations;
using GhostCrate.Core.Proxy;

namespace GhostCrate.Core.Tests.Proxy;

public sealed class UpstreamStatsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_status_read_during_a_flush_sees_the_counters_once_never_zero()
    {
        // A status read that fell between the flush taking the delta and the database committing it used to show
        // neither (ProxyCircuitBreakerTests saw every counter at 0 once, on PostgreSQL).
        var stats = new UpstreamStats("crates-io");
        stats.StaleServed();
        stats.StaleServed();
        var database = UpstreamCounters.Zero;
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flush = stats.FlushAsync(async delta =>
        {
            await commit.Task;
            database = database.Add(delta);
        }, Ct);

        var read = stats.ReadAsync(() => Task.FromResult(database), Ct);
        Assert.False(read.IsCompleted, "the read went ahead while the delta was neither in memory nor stored");
        commit.SetResult();
        await flush.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(2, (await read.WaitAsync(TimeSpan.FromSeconds(30), Ct)).StaleServed);
        Assert.Equal(2, (await stats.ReadAsync(() => Task.FromResult(database), Ct)).StaleServed);
    }

    [Fact]
    public async Task A_delta_the_database_refused_is_kept_for_the_next_flush()
    {
        var stats = new UpstreamStats("crates-io");
        stats.StaleServed();
        await Assert.ThrowsAsync<InvalidOperationException>(() => stats.FlushAsync(_ => throw new InvalidOperationException("database down"), Ct));
        stats.StaleServed();
        UpstreamCounters? stored = null;
        await stats.FlushAsync(delta => { stored = delta; return Task.CompletedTask; }, Ct);
        Assert.Equal(2, stored!.StaleServed);
        Assert.Equal(0, stats.Peek().StaleServed);
    }

    [Fact]
    public async Task Hits_counted_while_flushes_run_are_stored_exactly_once()
    {
        // Hits are counted outside the lock that the flush takes: each one must land in exactly one delta.
        var stats = new UpstreamStats("crates-io");
        var database = UpstreamCounters.Zero;
        var failNext = true;
        const int Threads = 4, HitsPerThread = 50_000;
        var counting = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < HitsPerThread; i++)
            {
                if (t % 2 == 0) stats.IndexHit();
                else stats.CrateHit();
            }
        }, Ct)).ToArray();
        while (!counting.All(task => task.IsCompleted))
        {
            try
            {
                await stats.FlushAsync(delta =>
                {
                    // Every other flush fails: its delta must come back, not be lost or counted twice.
                    failNext = !failNext;
                    if (!failNext) throw new InvalidOperationException("database down");
                    database = database.Add(delta);
                    return Task.CompletedTask;
                }, Ct);
            }
            catch (InvalidOperationException)
            {
            }
        }
        await Task.WhenAll(counting);
        var total = await stats.ReadAsync(() => Task.FromResult(database), Ct);
        Assert.Equal(Threads / 2 * HitsPerThread, total.IndexHits);
        Assert.Equal(Threads / 2 * HitsPerThread, total.CrateHits);
        await stats.FlushAsync(delta => { database = database.Add(delta); return Task.CompletedTask; }, Ct);
        await stats.FlushAsync(delta => { database = database.Add(delta); return Task.CompletedTask; }, Ct);
        Assert.Equal(Threads / 2 * HitsPerThread, database.IndexHits);
        Assert.True(stats.Peek().IsEmpty);
    }

    [Fact]
    public void A_cache_hit_allocates_nothing()
    {
        // Hits are counted on every request a proxy mount answers from memory (on the socket threads): a new counters
        // record per hit was most of such a request's garbage.
        var stats = new UpstreamStats("crates-io");
        stats.IndexHit();
        stats.CrateHit();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            stats.IndexHit();
            stats.CrateHit();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000, $"20,000 hits allocated {allocated} bytes");
        Assert.Equal(10_001, stats.Peek().IndexHits);
        Assert.Equal(10_001, stats.Peek().CrateHits);
    }

    [Fact]
    public void A_cache_hit_is_read_by_the_exporter_not_recorded_through_the_meter()
    {
        // A hit is counted on every request a mount answers from memory, 304s included: a measurement recorded through
        // the meter costs the exporter's aggregator lookup (tag sort, hashing, a dictionary) on each of them. The hits
        // must reach the exporter when it collects instead, under the same series.
        var upstream = "hits-" + Guid.NewGuid().ToString("N");
        var recorded = 0;
        var collected = new Dictionary<(string Kind, string Result), long>();
        var collecting = false;
        _ = GhostCrateMetrics.ProxyCache; // the instrument exists once the metrics class is initialized, as the server does at start
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GhostCrateMetrics.MeterName && instrument.Name == "ghostcrate_proxy_cache_requests") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var labels = new Dictionary<string, object?>();
            foreach (var tag in tags) labels[tag.Key] = tag.Value;
            if (!Equals(labels.GetValueOrDefault("upstream"), upstream)) return; // another test's upstream
            if (!collecting) Interlocked.Increment(ref recorded);
            else collected[((string)labels["kind"]!, (string)labels["result"]!)] = value;
        });
        listener.Start();

        var stats = new UpstreamStats(upstream);
        for (var i = 0; i < 5; i++) stats.IndexHit();
        stats.CrateHit();
        stats.IndexMiss();
        collecting = true;
        listener.RecordObservableInstruments();

        Assert.Equal(0, recorded);
        Assert.Equal(5, collected[("index", "hit")]);
        Assert.Equal(1, collected[("crate", "hit")]);
        Assert.Equal(1, collected[("index", "miss")]);
        Assert.Equal(0, collected[("index", "stale")]);
        Assert.Equal(0, collected[("crate", "miss")]);
        GC.KeepAlive(stats);
    }
}
