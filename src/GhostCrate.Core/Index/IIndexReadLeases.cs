namespace GhostCrate.Core.Index;

/// <summary>
/// Port for the index read leases (<see cref="IndexReadLease"/>): which nodes answer index files from memory without
/// asking the change counter, until when, and how far each has applied the counter. Lease times are the database's
/// clock, so nodes' clocks never need to agree.
/// </summary>
public interface IIndexReadLeases
{
    /// <summary>Takes or extends <paramref name="node"/>'s lease to the database's now plus <paramref name="lease"/>, reporting <paramref name="appliedSeq"/>.</summary>
    Task RenewAsync(string node, long appliedSeq, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Reports that <paramref name="node"/> has applied every change up to <paramref name="appliedSeq"/> (a lower value than reported before changes nothing).</summary>
    Task AcknowledgeAsync(string node, long appliedSeq, CancellationToken cancellationToken);

    /// <summary>How many nodes other than <paramref name="node"/> hold a live lease and have not yet applied <paramref name="seq"/>.</summary>
    Task<int> CountBehindAsync(string node, long seq, CancellationToken cancellationToken);

    /// <summary>Gives up <paramref name="node"/>'s lease (a node stopping), so that no write waits for it.</summary>
    Task ReleaseAsync(string node, CancellationToken cancellationToken);
}
