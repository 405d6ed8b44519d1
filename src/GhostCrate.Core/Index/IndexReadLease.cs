using GhostCrate.Core.Changes;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Index;

/// <summary>
/// Read-your-writes across nodes without a database query per read (issue 24 items 2-3). A node that holds this
/// lease answers index files from memory as a single node does; a write's answer waits until every other node holding
/// one has applied the write (<see cref="IndexWriteConfirmation"/>), so the lease holders' memories are current for any
/// client that saw the write acknowledged. A node without a live lease (not yet taken, lapsed under load, lost
/// database) falls back to <see cref="IndexChangeFollower"/>'s read barrier: a counter query per read.
/// <para>
/// Safety rests on this order in <see cref="RenewAsync"/>: note the local time, write the lease row (the database
/// sets its end from its own clock), then catch up with the counter, report how far, and only then trust memory, until
/// the noted time plus the lease less a margin. The local end therefore comes before the database's, whatever the
/// nodes' clocks say (only their rates must agree, within the margin); a writer that found this node's lease lapsed
/// in the database cannot be followed by a read here that trusts memory without a catch-up that started after its
/// write. A writer that found it live waits for this node's report (<see cref="IIndexReadLeases.CountBehindAsync"/>).
/// The classic lease caveat applies: a virtual machine frozen with its monotonic clock stopped would resume inside a
/// lease the database saw end; set Server:IndexReadLeaseMilliseconds to 0 where that can happen.
/// </para>
/// </summary>
public sealed class IndexReadLease(IIndexReadLeases leases, IChangeFeed feed, IOptions<ServerOptions> options, TimeProvider time)
{
    private long _until; // TimeProvider timestamp until which memory may be trusted; 0 = no lease
    private long _acknowledged;

    /// <summary>This process's name in the lease table: new at every start, so a restarted node never inherits a lease.</summary>
    public string Node { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Whether this node takes leases at all: several nodes may share the database, and the setting is not 0.</summary>
    public bool Enabled { get; } = feed.SharedByNodes && options.Value.IndexReadLeaseMilliseconds > 0;

    public TimeSpan Duration { get; } = TimeSpan.FromMilliseconds(options.Value.IndexReadLeaseMilliseconds);

    /// <summary>How often the lease is renewed: four times per lease, so a late renewal or two still finds it live.</summary>
    public TimeSpan RenewEvery => Duration / 4;

    /// <summary>Whether this node may answer index files from memory without asking the change counter now.</summary>
    public bool Holds => Enabled && time.GetTimestamp() < Volatile.Read(ref _until);

    /// <summary>Takes or extends the lease (see the order above). On failure the lease lapses at its current end.</summary>
    public async Task RenewAsync(IndexChangeFollower follower, CancellationToken cancellationToken)
    {
        if (!Enabled) return;
        var noted = time.GetTimestamp();
        await leases.RenewAsync(Node, follower.LastSeq, Duration, cancellationToken);
        await follower.CatchUpAsync(cancellationToken);
        await AcknowledgeAsync(follower.LastSeq, cancellationToken);
        // A tenth of the lease covers the nodes' clocks running at slightly different rates.
        var until = noted + (long)((Duration - Duration / 10).TotalSeconds * time.TimestampFrequency);
        Volatile.Write(ref _until, until);
    }

    /// <summary>Reports that every change up to <paramref name="appliedSeq"/> is applied here (once per new value).</summary>
    public async Task AcknowledgeAsync(long appliedSeq, CancellationToken cancellationToken)
    {
        if (!Enabled || appliedSeq <= Interlocked.Read(ref _acknowledged)) return;
        await leases.AcknowledgeAsync(Node, appliedSeq, cancellationToken);
        Caching.AtomicMax.Raise(ref _acknowledged, appliedSeq);
    }

    /// <summary>Stops trusting memory at once and gives the lease up, so that no write waits for this node (on stop).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _until, 0);
        if (Enabled) await leases.ReleaseAsync(Node, cancellationToken);
    }
}
