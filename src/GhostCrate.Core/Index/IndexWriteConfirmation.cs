using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Index;

/// <summary>
/// The writer's half of <see cref="IndexReadLease"/>: before a write's answer leaves this node, every other node that
/// answers index files from memory has applied every change committed so far, so a client that saw the answer reads
/// the change on any node next. Waits for nothing on a single node or with leases off.
/// </summary>
public sealed class IndexWriteConfirmation(IIndexFileStore store, IIndexReadLeases leases, IndexReadLease lease, TimeProvider time,
    ILogger<IndexWriteConfirmation> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(50);

    public bool Enabled => lease.Enabled;

    /// <summary>
    /// Completes when no other node with a live lease is behind the counter's value at the call. That happens within
    /// about one renewal (every renewal catches up after writing its row) or when the laggard's lease lapses; the wait
    /// gives up after twice the lease, logging it, rather than hold an answer for ever.
    /// </summary>
    public async Task ConfirmAsync(CancellationToken cancellationToken)
    {
        if (!lease.Enabled) return;
        var seq = await store.LatestSeqAsync(cancellationToken);
        var started = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            var behind = await leases.CountBehindAsync(lease.Node, seq, cancellationToken);
            if (behind == 0) return;
            if (time.GetElapsedTime(started) > 2 * lease.Duration)
            {
                logger.LogWarning("{Nodes} node(s) holding an index read lease had not applied change {Seq} after {Seconds} s; answering the write anyway",
                    behind, seq, time.GetElapsedTime(started).TotalSeconds);
                return;
            }
            await Task.Delay(pause, time, cancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }
}
