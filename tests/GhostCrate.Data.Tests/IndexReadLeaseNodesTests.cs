using System.Text;
using GhostCrate.Core.Changes;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Data.Tests.Infrastructure;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Two nodes' index read paths on one real database, with no notification reaching either (as with a cut LISTEN
/// connection): a node holding a read lease answers from memory without asking the counter, so a write elsewhere is
/// not seen there until something catches it up; the writer's confirmation is what makes read-your-writes hold, and
/// it waits exactly until the leaseholder has applied the write. EndToEnd TwoNodeIndexTests run the same with two
/// server processes on PostgreSQL.
/// </summary>
public abstract class IndexReadLeaseNodesTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    [Fact]
    public async Task A_write_waits_for_the_leaseholder_to_apply_it_and_only_then_is_the_new_version_read_there()
    {
        var (a, b, alice) = await BLeasedAndHoldingVersionOneAsync();

        await PublishAsync(NewVersion("shared", "1.1.0", alice));
        // B trusts its memory under the lease: without a catch-up it still answers the old file. This is why a write
        // must wait for B before its answer leaves.
        Assert.DoesNotContain("\"1.1.0\"", await b.ReadAsync("shared"));

        var confirmation = a.Confirmation.ConfirmAsync(Ct);
        await Eventually.TrueAsync(() => a.Leases.Asked >= 2, "the writer did not ask who is behind", cancellationToken: Ct);
        Assert.False(confirmation.IsCompleted, "the write was confirmed while the leaseholder had not applied it");

        // B's next renewal catches up and reports: the write's answer may leave, and B serves the new version.
        await b.Lease.RenewAsync(b.Follower, Ct);
        await confirmation.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("\"1.1.0\"", await b.ReadAsync("shared"));
    }

    [Fact]
    public async Task A_released_lease_holds_no_write_up_and_its_node_asks_the_counter_again()
    {
        var (a, b, alice) = await BLeasedAndHoldingVersionOneAsync();

        await b.Lease.ReleaseAsync(Ct);
        Assert.False(b.Lease.Holds);
        await PublishAsync(NewVersion("shared", "1.1.0", alice));
        await a.Confirmation.ConfirmAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("\"1.1.0\"", await b.ReadAsync("shared"));
    }

    /// <summary>`shared` 1.0.0 published; node B (its own connections) holds a lease and has the file in memory.</summary>
    private async Task<(Node A, Node B, long Alice)> BLeasedAndHoldingVersionOneAsync()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("shared", "1.0.0", alice.Id));
        var a = new Node(Db.Ports.IndexFiles, Db.Ports.IndexReadLeases);
        var other = Db.Open();
        var b = new Node(other.IndexFiles, other.IndexReadLeases);
        await b.Lease.RenewAsync(b.Follower, Ct);
        Assert.True(b.Lease.Holds);
        Assert.Contains("\"1.0.0\"", await b.ReadAsync("shared"));
        return (a, b, alice.Id);
    }

    /// <summary>One node's index read path: its own memory, follower, lease and write confirmation.</summary>
    private sealed class Node
    {
        public Node(IIndexFileStore store, IIndexReadLeases leases)
        {
            Leases = new CountingLeases(leases);
            var feed = new SilentSharedFeed();
            // A lease far longer than the test: it never lapses on its own here.
            Lease = new IndexReadLease(Leases, feed, Microsoft.Extensions.Options.Options.Create(new ServerOptions { IndexReadLeaseMilliseconds = 60_000 }), TimeProvider.System);
            var cache = new IndexFileCache(1024 * 1024);
            Follower = new IndexChangeFollower(store, cache, feed, Lease, NullLogger<IndexChangeFollower>.Instance);
            Service = new SparseIndexService(store, cache, Follower);
            Confirmation = new IndexWriteConfirmation(store, Leases, Lease, TimeProvider.System, NullLogger<IndexWriteConfirmation>.Instance);
        }

        public CountingLeases Leases { get; }
        public IndexReadLease Lease { get; }
        public IndexChangeFollower Follower { get; }
        public SparseIndexService Service { get; }
        public IndexWriteConfirmation Confirmation { get; }

        public async Task<string> ReadAsync(string name) => Encoding.UTF8.GetString((await Service.GetAsync(name, Ct))!.Content);
    }

    private sealed class CountingLeases(IIndexReadLeases inner) : IIndexReadLeases
    {
        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken) => inner.RenewAsync(node, appliedSeq, lease, cancellationToken);

        public Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken) => inner.AcknowledgeAsync(node, appliedSeq, cancellationToken);

        public async Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken)
        {
            var behind = await inner.CountBehindAsync(node, seq, cancellationToken);
            Interlocked.Increment(ref _asked);
            return behind;
        }

        public Task ReleaseAsync(string node, CancellationToken cancellationToken) => inner.ReleaseAsync(node, cancellationToken);
    }

    /// <summary>Several nodes share the database, and no notification ever arrives (the tests catch up by hand).</summary>
    private sealed class SilentSharedFeed : IChangeFeed
    {
        public bool SharedByNodes => true;
        public IDisposable Subscribe(string topic, Func<CancellationToken, Task> catchUp) => throw new NotSupportedException();
        public Task AnnounceAsync(string topic, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }
}

public sealed class SqliteIndexReadLeaseNodesTests(SqliteLane lane) : IndexReadLeaseNodesTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresIndexReadLeaseNodesTests(PostgresLane lane) : IndexReadLeaseNodesTests(lane), IClassFixture<PostgresLane>;
