using System.Collections.Concurrent;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Web.Changes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Web.Tests.Changes;

/// <summary>
/// What an operator reads while the database is away from a node that renews its index read lease every quarter
/// lease (<see cref="IndexReadLeaseRenewal"/>): one warning when an outage starts, a reminder at most once a minute,
/// and one line when a renewal succeeds again, instead of a warning per renewal. The lease table is a unit-test port
/// that fails on demand; the SQL itself is tested in Data IndexReadLeaseStoreTests.
/// </summary>
public sealed class IndexReadLeaseRenewalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Consecutive_failed_renewals_log_one_warning_and_the_first_success_after_them_one_recovery_line()
    {
        var node = new Node();
        await node.Renewal.RenewOnceAsync(Ct);
        Assert.Empty(node.Log.Entries);

        node.Leases.FailuresLeft = 20;
        for (var i = 0; i < 20; i++)
        {
            await node.Renewal.RenewOnceAsync(Ct);
            node.Clock.Advance(TimeSpan.FromMilliseconds(500)); // 10 s of outage at the default renewal pace
        }
        await node.Renewal.RenewOnceAsync(Ct);

        var warning = Assert.Single(node.Log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.IsType<TimeoutException>(warning.Exception);
        var recovery = Assert.Single(node.Log.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains("renewed after 20 failures", recovery.Message, StringComparison.Ordinal);
        Assert.Equal(19, node.Log.Entries.Count(e => e.Level == LogLevel.Debug));
        Assert.True(node.Lease.Holds);

        // The next outage is a new one: warned about again.
        node.Leases.FailuresLeft = 1;
        await node.Renewal.RenewOnceAsync(Ct);
        Assert.Equal(2, node.Log.Entries.Count(e => e.Level >= LogLevel.Warning));
    }

    [Fact]
    public async Task A_long_outage_is_warned_about_again_once_a_minute()
    {
        var node = new Node();
        node.Leases.FailuresLeft = int.MaxValue;
        for (var i = 0; i < 250; i++) // 125 s at two renewals a second
        {
            await node.Renewal.RenewOnceAsync(Ct);
            node.Clock.Advance(TimeSpan.FromMilliseconds(500));
        }
        var warnings = node.Log.Entries.Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.Equal(3, warnings.Count); // at the start, after one minute, after two
        Assert.Contains("121 consecutive failures", warnings[1].Message, StringComparison.Ordinal);
    }

    private sealed class Node
    {
        public Node()
        {
            var feed = new SharedFeed();
            var options = Microsoft.Extensions.Options.Options.Create(new ServerOptions { IndexReadLeaseMilliseconds = 2000 });
            Lease = new IndexReadLease(Leases, feed, options, Clock);
            var follower = new IndexChangeFollower(new EmptyStore(), new IndexFileCache(1024 * 1024), feed, Lease, NullLogger<IndexChangeFollower>.Instance);
            Renewal = new IndexReadLeaseRenewal(Lease, follower, Clock, Log);
        }

        public SteppedClock Clock { get; } = new();
        public FailingLeases Leases { get; } = new();
        public IndexReadLease Lease { get; }
        public IndexReadLeaseRenewal Renewal { get; }
        public ListLogger<IndexReadLeaseRenewal> Log { get; } = new();
    }

    /// <summary>The lease table, failing as a database that does not answer while <see cref="FailuresLeft"/> is above 0.</summary>
    private sealed class FailingLeases : IIndexReadLeases
    {
        public int FailuresLeft { get; set; }

        public Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken)
        {
            if (FailuresLeft <= 0) return Task.CompletedTask;
            FailuresLeft--;
            throw new TimeoutException("the database did not answer");
        }

        public Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken) => Task.FromResult(0);
        public Task ReleaseAsync(string node, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class EmptyStore : IIndexFileStore
    {
        public Task<StoredIndexFile?> FindAsync(string canonicalName, CancellationToken cancellationToken) => Task.FromResult<StoredIndexFile?>(null);
        public Task<IReadOnlyList<IndexFileChange>> ListChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<IndexFileChange>>([]);
        public Task<long> LatestSeqAsync(CancellationToken cancellationToken) => Task.FromResult(0L);
    }

    private sealed class SharedFeed : IChangeFeed
    {
        public bool SharedByNodes => true;
        public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => throw new NotSupportedException();
        public Task AnnounceAsync(string topic, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>A monotonic clock moved by hand.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
