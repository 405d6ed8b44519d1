using System.Runtime.InteropServices;

namespace GhostCrate.Core.Downloads;

/// <summary>
/// Counts downloads in memory so a download costs a dictionary increment instead of a database write (on SQLite every
/// write queues behind the one writer). <see cref="DownloadStatsFlusher"/> moves the counts to the database in
/// batches; a crash loses at most one flush interval of counts, which statistics can afford and builds never notice.
/// </summary>
public sealed class DownloadCounter(TimeProvider time)
{
    private readonly Lock _gate = new();
    private Dictionary<(long VersionId, DateOnly Day), long> _pending = [];

    /// <summary>Distinct (version, day) pairs waiting for the next flush.</summary>
    public int PendingEntries
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    public void Record(long versionId)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_pending, (versionId, day), out _)++;
        }
    }

    /// <summary>Takes every pending count; the caller stores them or hands them back with <see cref="Return"/>.</summary>
    public IReadOnlyList<DownloadIncrement> Drain()
    {
        Dictionary<(long VersionId, DateOnly Day), long> taken;
        lock (_gate)
        {
            if (_pending.Count == 0) return [];
            taken = _pending;
            _pending = [];
        }
        return taken.Select(p => new DownloadIncrement(p.Key.VersionId, p.Key.Day, p.Value)).ToList();
    }

    /// <summary>Puts counts back after a failed write, so the next flush retries them.</summary>
    public void Return(IEnumerable<DownloadIncrement> increments)
    {
        lock (_gate)
        {
            foreach (var increment in increments)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_pending, (increment.VersionId, increment.Day), out _) += increment.Count;
            }
        }
    }
}
