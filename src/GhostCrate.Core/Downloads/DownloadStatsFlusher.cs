using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Downloads;

/// <summary>Writes the counts of <see cref="DownloadCounter"/> to the database; the web host calls it on a timer and at shutdown.</summary>
public sealed class DownloadStatsFlusher(DownloadCounter counter, IDownloadStatsRepository stats, ILogger<DownloadStatsFlusher> logger)
{
    // One flush at a time: two overlapping flushes would each be correct, but the timer and a shutdown flush racing
    // would make "everything is stored once FlushAsync returns" untrue for the second caller.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Stores every pending count; returns how many downloads were written. On failure the counts stay pending.</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var batch = counter.Drain();
            if (batch.Count == 0) return 0;
            try
            {
                return await stats.AddAsync(batch, cancellationToken);
            }
            catch (Exception ex)
            {
                counter.Return(batch);
                if (ex is OperationCanceledException) throw;
                logger.LogWarning(ex, "Could not store {Entries} download counters; they stay pending for the next flush", batch.Count);
                return 0;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
