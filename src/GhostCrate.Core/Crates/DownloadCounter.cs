using System.Runtime.InteropServices;
using GhostCrate.Core.Downloads;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>
/// Counts downloads in memory, per version and UTC day, and writes them in one batch per flush (the host flushes about
/// once a second and on shutdown): a download never waits for a database write and parallel downloads never queue on
/// the database. One batch updates the day rows of the statistics and the version and crate totals together
/// (<see cref="IDownloadStatsRepository.AddAsync"/>), so they never disagree. Counts are best-effort, as on crates.io:
/// a crash loses at most the last flush interval; a failed flush keeps its counts for the next.
/// </summary>
public sealed class DownloadCounter(IDownloadStatsRepository stats, TimeProvider time, ILogger<DownloadCounter> logger)
{
    // A plain lock: an uncontended increment costs tens of nanoseconds, and swapping the whole dictionary under it at
    // flush time means no increment can slip between "read" and "remove".
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private Dictionary<(long VersionId, DateOnly Day), long> _pending = [];
    // The dictionary the last flush took, emptied, and the list it sorted: the next flush reuses both (flushes take
    // turns). New ones grew through every size again once a second under download load, each step a new array of
    // the runtime's large-object size (20k versions: ~0.7 MB), garbage only the oldest generation's collection frees.
    private Dictionary<(long VersionId, DateOnly Day), long> _spare = [];
    private readonly List<DownloadIncrement> _batch = [];
    // When the oldest pending count was recorded: its age when its batch is stored is the flush lag (a metric).
    private DateTimeOffset _oldestPending;

    public void Record(long versionId)
    {
        var now = time.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        lock (_gate)
        {
            if (_pending.Count == 0) _oldestPending = now;
            CollectionsMarshal.GetValueRefOrAddDefault(_pending, (versionId, day), out _)++;
        }
    }

    /// <summary>Distinct (version, day) pairs waiting for the next flush.</summary>
    public int PendingVersions
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    /// <summary>Writes every pending count; returns how many downloads were stored (0 when the write failed).</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            Dictionary<(long VersionId, DateOnly Day), long> taken;
            DateTimeOffset oldest;
            lock (_gate)
            {
                if (_pending.Count == 0) return 0;
                taken = _pending;
                _pending = _spare;
                oldest = _oldestPending;
            }
            _batch.Clear();
            foreach (var (key, count) in taken) _batch.Add(new DownloadIncrement(key.VersionId, key.Day, count));
            taken.Clear();
            _spare = taken;
            _batch.Sort(static (a, b) => a.VersionId != b.VersionId ? a.VersionId.CompareTo(b.VersionId) : a.Day.CompareTo(b.Day));
            try
            {
                var stored = await stats.AddAsync(_batch, cancellationToken);
                Operations.GhostCrateMetrics.DownloadCountFlushLag.Record(Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds));
                return stored;
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    if (_pending.Count == 0 || oldest < _oldestPending) _oldestPending = oldest;
                    foreach (var item in _batch) CollectionsMarshal.GetValueRefOrAddDefault(_pending, (item.VersionId, item.Day), out _) += item.Count;
                }
                if (ex is OperationCanceledException) throw;
                logger.LogWarning(ex, "Could not record downloads of {Versions} versions; will retry", _batch.Count);
                return 0;
            }
        }
        finally
        {
            _flush.Release();
        }
    }
}
