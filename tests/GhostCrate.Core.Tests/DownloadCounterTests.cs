using GhostCrate.Core.Crates;
using GhostCrate.Core.Downloads;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests;

public class DownloadCounterTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day1 = new(2026, 3, 1);

    private static DownloadCounter Counter(RecordingStats stats, TimeProvider? time = null) =>
        new(stats, time ?? new ManualClock(Noon), NullLogger<DownloadCounter>.Instance);

    [Fact]
    public async Task Downloads_are_written_as_one_summed_batch()
    {
        var stats = new RecordingStats();
        var counter = Counter(stats);
        counter.Record(7);
        counter.Record(3);
        counter.Record(7);
        Assert.Equal(3, await counter.FlushAsync(CancellationToken.None));
        var batch = Assert.Single(stats.Batches);
        Assert.Equal([new DownloadIncrement(3, Day1, 1), new DownloadIncrement(7, Day1, 2)], batch);
        await counter.FlushAsync(CancellationToken.None);
        Assert.Single(stats.Batches);
    }

    [Fact]
    public async Task Each_flush_writes_only_what_was_recorded_since_the_one_before()
    {
        // The counter reuses the dictionary and list of a flush for the next ones: nothing of a flush may stay in them.
        var stats = new RecordingStats();
        var counter = Counter(stats);
        counter.Record(1);
        counter.Record(2);
        await counter.FlushAsync(CancellationToken.None);
        counter.Record(3);
        await counter.FlushAsync(CancellationToken.None);
        counter.Record(2);
        await counter.FlushAsync(CancellationToken.None);

        Assert.Equal(
            [[new DownloadIncrement(1, Day1, 1), new DownloadIncrement(2, Day1, 1)], [new DownloadIncrement(3, Day1, 1)], [new DownloadIncrement(2, Day1, 1)]],
            stats.Batches);
        Assert.Equal(0, counter.PendingVersions);
    }

    [Fact]
    public async Task Downloads_are_counted_per_utc_day()
    {
        var clock = new ManualClock(Noon);
        var stats = new RecordingStats();
        var counter = Counter(stats, clock);
        counter.Record(1);
        clock.Now = Noon.AddHours(13);
        counter.Record(1);
        counter.Record(1);

        await counter.FlushAsync(CancellationToken.None);

        Assert.Equal([new DownloadIncrement(1, Day1, 1), new DownloadIncrement(1, Day1.AddDays(1), 2)], Assert.Single(stats.Batches));
    }

    [Fact]
    public async Task A_failed_flush_keeps_its_counts_for_the_next_one()
    {
        var stats = new RecordingStats { FailNext = true };
        var counter = Counter(stats);
        counter.Record(1);
        Assert.Equal(0, await counter.FlushAsync(CancellationToken.None));
        Assert.Empty(stats.Batches);
        Assert.Equal(1, counter.PendingVersions);
        counter.Record(1);
        await counter.FlushAsync(CancellationToken.None);
        Assert.Equal([new DownloadIncrement(1, Day1, 2)], Assert.Single(stats.Batches));
    }

    [Fact]
    public async Task Concurrent_downloads_are_all_counted()
    {
        var stats = new RecordingStats();
        var counter = Counter(stats);
        var flushing = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++) await counter.FlushAsync(CancellationToken.None);
        });
        Parallel.For(0, 10_000, i => counter.Record(i % 5));
        await flushing;
        await counter.FlushAsync(CancellationToken.None);
        Assert.Equal(10_000, stats.Batches.SelectMany(b => b).Sum(c => c.Count));
        Assert.Equal(0, counter.PendingVersions);
    }

    [Fact]
    public async Task The_flush_lag_metric_is_the_age_of_the_oldest_count_in_the_batch_including_counts_a_failed_flush_kept()
    {
        var lags = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // By name, not by reference: when this listener's start is what publishes the instrument, the callback
            // runs inside GhostCrateMetrics' static initialiser, where the field is still null.
            if (instrument.Meter.Name == Operations.GhostCrateMetrics.MeterName && instrument.Name == "ghostcrate_download_count_flush_lag")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Add(value));
        listener.Start();
        var clock = new ManualClock(Noon);
        var stats = new RecordingStats { FailNext = true };
        var counter = Counter(stats, clock);

        counter.Record(1);
        clock.Now += TimeSpan.FromSeconds(2);
        counter.Record(2);
        clock.Now += TimeSpan.FromSeconds(1.5);
        Assert.Equal(0, await counter.FlushAsync(CancellationToken.None)); // fails: the counts wait for the next flush
        clock.Now += TimeSpan.FromSeconds(4);
        counter.Record(3);
        Assert.Equal(3, await counter.FlushAsync(CancellationToken.None));

        // Other tests flush in parallel (the instrument is process-wide): this counter's lag is 2 + 1.5 + 4 s.
        Assert.Contains(7.5, lags);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A unit-test fake of the statistics port that records batches.</summary>
    private sealed class RecordingStats : IDownloadStatsRepository
    {
        public List<IReadOnlyList<DownloadIncrement>> Batches { get; } = [];
        public bool FailNext { get; set; }

        public Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("database unavailable");
            }
            lock (Batches) Batches.Add(increments.ToList());
            return Task.FromResult(increments.Sum(i => i.Count));
        }

        public Task<IReadOnlyList<DailyVersionDownloads>> ListDailyAsync(long crateId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> MoveRecentWindowAsync(DateOnly since, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
