using GhostCrate.Core.Downloads;
using GhostCrate.Core.Threading;
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
    private readonly PendingCounts<(long VersionId, DateOnly Day)> _pending = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    // Reused by every flush (flushes take turns), for the same reason PendingCounts recycles its dictionary.
    private readonly List<DownloadIncrement> _batch = [];

    public void Record(long versionId)
    {
        var now = time.GetUtcNow();
        _pending.Add((versionId, DateOnly.FromDateTime(now.UtcDateTime)), now);
    }

    /// <summary>Distinct (version, day) pairs waiting for the next flush.</summary>
    public int PendingVersions => _pending.Count;

    /// <summary>Writes every pending count; returns how many downloads were stored (0 when the write failed).</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            if (_pending.Take() is not { } took) return 0;
            var (taken, oldest) = took;
            _batch.Clear();
            foreach (var (key, count) in taken) _batch.Add(new DownloadIncrement(key.VersionId, key.Day, count));
            // A stable order: flushes running at once (two nodes) take the rows' locks in the same order, never a deadlock.
            _batch.Sort(static (a, b) => a.VersionId != b.VersionId ? a.VersionId.CompareTo(b.VersionId) : a.Day.CompareTo(b.Day));
            try
            {
                var stored = await stats.AddAsync(_batch, cancellationToken);
                _pending.Stored(taken);
                Operations.GhostCrateMetrics.DownloadCountFlushLag.Record(Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds));
                return stored;
            }
            catch (Exception ex)
            {
                _pending.NotStored(taken, oldest);
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
