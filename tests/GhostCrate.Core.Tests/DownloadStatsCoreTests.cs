using GhostCrate.Core.Downloads;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests;

public sealed class DownloadStatsCoreTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class RecordingStats : IDownloadStatsRepository
    {
        public List<DownloadIncrement> Stored { get; } = [];
        public bool Fail { get; set; }

        public Task<long> AddAsync(IReadOnlyCollection<DownloadIncrement> increments, CancellationToken cancellationToken)
        {
            if (Fail) throw new InvalidOperationException("database down");
            Stored.AddRange(increments);
            return Task.FromResult(increments.Sum(i => i.Count));
        }

        public Task<IReadOnlyList<DailyVersionDownloads>> ListDailyAsync(long crateId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_per_version_and_utc_day()
    {
        var clock = new ManualClock(Noon);
        var counter = new DownloadCounter(clock);

        counter.Record(1);
        counter.Record(1);
        counter.Record(2);
        clock.Now = Noon.AddHours(13);
        counter.Record(1);

        var drained = counter.Drain().OrderBy(i => i.Day).ThenBy(i => i.VersionId).ToList();
        Assert.Equal(
            [new DownloadIncrement(1, new DateOnly(2026, 3, 1), 2), new DownloadIncrement(2, new DateOnly(2026, 3, 1), 1), new DownloadIncrement(1, new DateOnly(2026, 3, 2), 1)],
            drained);
        Assert.Empty(counter.Drain());
    }

    [Fact]
    public async Task Parallel_downloads_are_never_lost()
    {
        var counter = new DownloadCounter(new ManualClock(Noon));
        var stats = new RecordingStats();
        var flusher = new DownloadStatsFlusher(counter, stats, NullLogger<DownloadStatsFlusher>.Instance);

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++) counter.Record(i % 3);
        }, TestContext.Current.CancellationToken)).ToList();
        // Flush while the writers run: every count lands in exactly one batch.
        while (!writers.All(t => t.IsCompleted)) await flusher.FlushAsync(TestContext.Current.CancellationToken);
        await Task.WhenAll(writers);
        await flusher.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(40_000, stats.Stored.Sum(i => i.Count));
        Assert.Equal(0, counter.PendingEntries);
    }

    [Fact]
    public async Task A_failed_flush_keeps_the_counts_for_the_next_one()
    {
        var counter = new DownloadCounter(new ManualClock(Noon));
        var stats = new RecordingStats { Fail = true };
        var flusher = new DownloadStatsFlusher(counter, stats, NullLogger<DownloadStatsFlusher>.Instance);
        counter.Record(7);
        counter.Record(7);

        Assert.Equal(0, await flusher.FlushAsync(TestContext.Current.CancellationToken));
        counter.Record(7);
        stats.Fail = false;
        Assert.Equal(3, await flusher.FlushAsync(TestContext.Current.CancellationToken));

        Assert.Equal([new DownloadIncrement(7, new DateOnly(2026, 3, 1), 3)], stats.Stored);
    }
}
