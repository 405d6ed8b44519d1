using GhostCrate.Core.Crates;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests;

public class DownloadCounterTests
{
    [Fact]
    public async Task Downloads_are_written_as_one_summed_batch()
    {
        var crates = new RecordingCrates();
        var counter = new DownloadCounter(crates, NullLogger<DownloadCounter>.Instance);
        counter.Record(7);
        counter.Record(3);
        counter.Record(7);
        await counter.FlushAsync(CancellationToken.None);
        var batch = Assert.Single(crates.Batches);
        Assert.Equal([new DownloadCount(3, 1), new DownloadCount(7, 2)], batch);
        await counter.FlushAsync(CancellationToken.None);
        Assert.Single(crates.Batches);
    }

    [Fact]
    public async Task A_failed_flush_keeps_its_counts_for_the_next_one()
    {
        var crates = new RecordingCrates { FailNext = true };
        var counter = new DownloadCounter(crates, NullLogger<DownloadCounter>.Instance);
        counter.Record(1);
        await counter.FlushAsync(CancellationToken.None);
        Assert.Empty(crates.Batches);
        counter.Record(1);
        await counter.FlushAsync(CancellationToken.None);
        Assert.Equal([new DownloadCount(1, 2)], Assert.Single(crates.Batches));
    }

    [Fact]
    public async Task Concurrent_downloads_are_all_counted()
    {
        var crates = new RecordingCrates();
        var counter = new DownloadCounter(crates, NullLogger<DownloadCounter>.Instance);
        var flushing = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++) await counter.FlushAsync(CancellationToken.None);
        });
        Parallel.For(0, 10_000, i => counter.Record(i % 5));
        await flushing;
        await counter.FlushAsync(CancellationToken.None);
        Assert.Equal(10_000, crates.Batches.SelectMany(b => b).Sum(c => c.Count));
    }

    /// <summary>A unit-test fake of the repository that records download batches.</summary>
    private sealed class RecordingCrates : ICrateRepository
    {
        public List<IReadOnlyList<DownloadCount>> Batches { get; } = [];
        public bool FailNext { get; set; }

        public Task AddDownloadsAsync(IReadOnlyList<DownloadCount> counts, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("database unavailable");
            }
            lock (Batches) Batches.Add(counts.ToList());
            return Task.CompletedTask;
        }

        public Task<IndexSource?> GetIndexSourceAsync(string canonicalName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<CrateRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(long crateId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<VersionRecord?> FindVersionAsync(string canonicalName, string version, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<PublishWriteResult> PublishAsync(NewCrateVersion version, Func<CancellationToken, Task> storeBlob, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> SetYankedAsync(string canonicalName, string version, bool yanked, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<CrateSearchPage> SearchAsync(string query, int offset, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task IncrementDownloadsAsync(long versionId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> CountCratesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
