using System.Collections.Concurrent;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests;

/// <summary>
/// Index read leases (<see cref="IndexReadLease"/>, <see cref="IndexWriteConfirmation"/>) with unit-test ports: the
/// order a renewal must keep, when memory is trusted, and what a write waits for. The SQL is tested on both database
/// lanes (Data IndexReadLeaseStoreTests); two real nodes use it in every EndToEnd TwoNode test on PostgreSQL.
/// </summary>
public sealed class IndexReadLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(2000);

    [Fact]
    public async Task Memory_is_trusted_only_after_the_row_a_catch_up_and_the_report_and_until_nine_tenths_of_the_lease()
    {
        var world = new World();
        Assert.False(world.Lease.Holds);
        Assert.True(world.Follower.ReadBarrier);
        world.Store.Latest = 7;

        await world.Lease.RenewAsync(world.Follower, Ct);

        // The row first (the database starts the lease's end from its clock), then the counter, then the report: a
        // catch-up from before the row would miss a write that found the old lease lapsed and did not wait.
        var log = world.Log.ToArray();
        Assert.Equal(["row (applied 0)", "counter"], log[..2]);
        // The renewal's report (and perhaps the catch-up's own, which may come first): both before memory is trusted.
        Assert.NotEmpty(log[2..]);
        Assert.All(log[2..], l => Assert.Equal("report 7 (trusted: False)", l));
        Assert.True(world.Lease.Holds);
        Assert.False(world.Follower.ReadBarrier);

        world.Clock.Advance(Lease * 0.89);
        Assert.True(world.Lease.Holds);
        world.Clock.Advance(Lease * 0.02);
        Assert.False(world.Lease.Holds);
        Assert.True(world.Follower.ReadBarrier);
    }

    [Fact]
    public async Task Without_several_nodes_or_with_leases_off_nothing_is_written_and_every_read_keeps_its_barrier_rule()
    {
        var single = new World(sharedByNodes: false);
        await single.Lease.RenewAsync(single.Follower, Ct);
        Assert.Empty(single.Log);
        Assert.False(single.Lease.Holds);
        Assert.False(single.Follower.ReadBarrier);

        var off = new World(leaseMilliseconds: 0);
        await off.Lease.RenewAsync(off.Follower, Ct);
        Assert.Empty(off.Log);
        Assert.True(off.Follower.ReadBarrier);
        await off.Confirmation.ConfirmAsync(Ct);
        Assert.Empty(off.Log);
    }

    [Fact]
    public async Task A_catch_up_for_a_read_reports_how_far_it_got_and_an_older_value_is_not_reported()
    {
        var world = new World();
        world.Store.Latest = 3;
        await world.Follower.CatchUpAsync(Ct);
        // Writers waiting for this node learn it without waiting for the next renewal.
        await Eventually.TrueAsync(() => world.Log.Contains("report 3 (trusted: False)"), "the catch-up was not reported", cancellationToken: Ct);
        var reports = world.Log.Count(l => l.StartsWith("report", StringComparison.Ordinal));
        await world.Lease.AcknowledgeAsync(2, Ct);
        Assert.Equal(reports, world.Log.Count(l => l.StartsWith("report", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_write_waits_until_no_other_leaseholder_is_behind_the_counter_at_its_answer()
    {
        var world = new World(time: TimeProvider.System);
        world.Store.Latest = 42;
        world.Leases.Behind.Enqueue(2);
        world.Leases.Behind.Enqueue(1);

        await world.Confirmation.ConfirmAsync(Ct);

        // Asked about the counter's value at the write, until nobody was behind it.
        Assert.Equal([42L, 42L, 42L], world.Leases.AskedAbout);
    }

    [Fact]
    public async Task A_write_gives_up_waiting_after_twice_the_lease_rather_than_hold_its_answer()
    {
        var world = new World(leaseMilliseconds: 400, time: TimeProvider.System);
        world.Leases.AlwaysBehind = true;
        await world.Confirmation.ConfirmAsync(Ct);
        Assert.True(world.Leases.AskedAbout.Count > 1);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class World
    {
        public World(bool sharedByNodes = true, int leaseMilliseconds = 2000, TimeProvider? time = null)
        {
            Store = new CountingStore(Log);
            Leases = new RecordingLeases(Log, () => Lease!.Holds);
            var feed = new NoFeed(sharedByNodes);
            var clock = time ?? Clock;
            Lease = new IndexReadLease(Leases, feed, Microsoft.Extensions.Options.Options.Create(new ServerOptions { IndexReadLeaseMilliseconds = leaseMilliseconds }), clock);
            Follower = new IndexChangeFollower(Store, new IndexFileCache(1024 * 1024), feed, Lease, NullLogger<IndexChangeFollower>.Instance);
            Confirmation = new IndexWriteConfirmation(Store, Leases, Lease, clock, NullLogger<IndexWriteConfirmation>.Instance);
        }

        public ConcurrentQueue<string> Log { get; } = new();
        public SteppedClock Clock { get; } = new();
        public CountingStore Store { get; }
        public RecordingLeases Leases { get; }
        public IndexReadLease Lease { get; }
        public IndexChangeFollower Follower { get; }
        public IndexWriteConfirmation Confirmation { get; }
    }

    /// <summary>A monotonic clock moved by hand (the lease's end is a timestamp, never the wall clock).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private sealed class CountingStore(ConcurrentQueue<string> log) : IIndexFileStore
    {
        public long Latest { get; set; }

        public Task<StoredIndexFile?> FindAsync(string canonicalName, CancellationToken cancellationToken) => Task.FromResult<StoredIndexFile?>(null);

        public Task<IReadOnlyList<IndexFileChange>> ListChangesAsync(long afterSeq, int limit, CancellationToken cancellationToken)
        {
            log.Enqueue("counter");
            return Task.FromResult<IReadOnlyList<IndexFileChange>>([]);
        }

        public Task<long> LatestSeqAsync(CancellationToken cancellationToken) => Task.FromResult(Latest);
    }

    private sealed class RecordingLeases(ConcurrentQueue<string> log, Func<bool> trusted) : IIndexReadLeases
    {
        public ConcurrentQueue<int> Behind { get; } = new();
        public bool AlwaysBehind { get; set; }
        public List<long> AskedAbout { get; } = [];

        public Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken)
        {
            log.Enqueue($"row (applied {appliedSeq})");
            return Task.CompletedTask;
        }

        public Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken)
        {
            log.Enqueue($"report {appliedSeq} (trusted: {trusted()})");
            return Task.CompletedTask;
        }

        public Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken)
        {
            lock (AskedAbout) AskedAbout.Add(seq);
            return Task.FromResult(AlwaysBehind ? 1 : Behind.TryDequeue(out var n) ? n : 0);
        }

        public Task ReleaseAsync(string node, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoFeed(bool sharedByNodes) : IChangeFeed
    {
        public bool SharedByNodes => sharedByNodes;
        public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => throw new NotSupportedException();
        public Task AnnounceAsync(string topic, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
