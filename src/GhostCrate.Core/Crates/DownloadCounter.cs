using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>
/// Counts downloads in memory and writes them in one batch per flush (the host flushes about once a second and on
/// shutdown), so a download never waits for a database write and parallel downloads never queue on one lock. A count
/// is best-effort, as on crates.io: a crash loses at most the last second; a failed flush keeps its counts for the next.
/// </summary>
public sealed class DownloadCounter(ICrateRepository crates, ILogger<DownloadCounter> logger)
{
    private readonly ConcurrentDictionary<long, long> _pending = new();
    private readonly SemaphoreSlim _flush = new(1, 1);

    public void Record(long versionId) => _pending.AddOrUpdate(versionId, 1, static (_, n) => n + 1);

    public int PendingVersions => _pending.Count;

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<DownloadCount>();
            // TryRemove per key: an increment racing with the removal lands in a new entry and is counted next time.
            foreach (var versionId in _pending.Keys)
            {
                if (_pending.TryRemove(versionId, out var count)) batch.Add(new DownloadCount(versionId, count));
            }
            if (batch.Count == 0) return;
            batch.Sort((a, b) => a.VersionId.CompareTo(b.VersionId));
            try
            {
                await crates.AddDownloadsAsync(batch, cancellationToken);
            }
            catch (Exception ex)
            {
                foreach (var item in batch) _pending.AddOrUpdate(item.VersionId, item.Count, (_, n) => n + item.Count);
                if (ex is OperationCanceledException) throw;
                logger.LogWarning(ex, "Could not record {Versions} versions' downloads; will retry", batch.Count);
            }
        }
        finally
        {
            _flush.Release();
        }
    }
}
