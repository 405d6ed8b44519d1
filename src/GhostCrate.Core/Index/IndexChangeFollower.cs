using GhostCrate.Core.Changes;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Index;

/// <summary>
/// Follows the global change counter of the index files (<see cref="IIndexFileStore.ListChangesAsync"/>) and drops
/// what changed from <see cref="IndexFileCache"/>. Counter values become visible in the order they were handed out
/// (Data/Index/IndexChangeCounter.cs), so asking for everything after the last value seen misses nothing, however
/// long ago the last question was, and after a lost notification connection the next question catches up. The host
/// subscribes <see cref="CatchUpAsync"/> to the change feed's <see cref="ChangeTopics.Index"/> topic.
/// <para>
/// Read-your-writes across nodes (<see cref="IChangeFeed.SharedByNodes"/>): a read waits for a catch-up that
/// <em>started</em> after the read arrived. A client that saw node A acknowledge a publish sends its next request
/// after A's commit, so that catch-up's query sees the commit and drops the old file before the read looks in memory:
/// node B answers with the new version on the very next request, exactly, not after a notification that may still be
/// on its way. Reads that arrive together share one query (<see cref="CatchUpAsync"/>). While this node holds an
/// <see cref="IndexReadLease"/> the barrier is lifted: writers then wait for this node instead, and each catch-up
/// reports how far it got.
/// </para>
/// </summary>
public sealed class IndexChangeFollower(IIndexFileStore store, IndexFileCache cache, IChangeFeed feed, IndexReadLease lease, ILogger<IndexChangeFollower> logger)
{
    // Changes read per query; a node that was away long reads the rest in further pages.
    private const int PageSize = 1000;

    private readonly Lock _gate = new();
    private TaskCompletionSource? _next; // the catch-up that has not started yet, which new callers join
    private bool _running;
    private bool _started;
    private long _lastSeq;

    private readonly bool _shared = feed.SharedByNodes;

    /// <summary>Whether a read must first confirm with the counter now: several nodes share the database and this one holds no read lease.</summary>
    public bool ReadBarrier => _shared && !lease.Holds;

    /// <summary>The highest counter value whose change has been applied.</summary>
    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>
    /// Completes after a catch-up that started after this call: every change committed before the call has then been
    /// applied. Concurrent callers share one query (the one that has not started yet), so a burst of reads costs one.
    /// </summary>
    public Task CatchUpAsync(CancellationToken cancellationToken)
    {
        Task task;
        var start = false;
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _next.Task;
            if (!_running) _running = start = true;
        }
        if (start) _ = Task.Run(RunCatchUpsAsync, CancellationToken.None);
        return task.WaitAsync(cancellationToken);
    }

    private async Task RunCatchUpsAsync()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                batch = _next;
                _next = null; // callers from now on wait for the next round, which starts after this one
            }
            try
            {
                await CatchUpOnceAsync();
                batch.SetResult();
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Reading the index change counter failed");
                batch.SetException(exception);
                continue;
            }
            try
            {
                // After the readers were let go: a writer waiting for this node learns that it caught up.
                await lease.AcknowledgeAsync(LastSeq, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // Writers wait for the next renewal's report instead (or for the lease to lapse).
                logger.LogWarning(exception, "Reporting this node's index progress failed");
            }
        }
    }

    private async Task CatchUpOnceAsync()
    {
        if (!_started)
        {
            // Start from the current value and forget whatever was stored before it was read: a file read before
            // a change that is at or below this value would otherwise never be dropped.
            var latest = await store.LatestSeqAsync(CancellationToken.None);
            cache.Clear();
            Interlocked.Exchange(ref _lastSeq, latest);
            _started = true;
        }
        while (true)
        {
            var changes = await store.ListChangesAsync(_lastSeq, PageSize, CancellationToken.None);
            if (changes.Count == 0) return;
            cache.Apply(changes);
            Interlocked.Exchange(ref _lastSeq, changes[^1].Seq);
            if (changes.Count < PageSize) return;
        }
    }
}
