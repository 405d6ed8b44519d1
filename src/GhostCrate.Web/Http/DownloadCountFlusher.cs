using GhostCrate.Core.Crates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Http;

/// <summary>
/// Writes the counted downloads about once a second, and once more when the server stops. Under heavy download load a
/// flush holds thousands of versions and each costs database work, so the pause after a flush grows with how long it
/// took (<see cref="NextDelay"/>): writing counts never takes more than about a twentieth of the time, and the counts
/// shown lag by at most <see cref="MaxInterval"/>.
/// </summary>
public sealed class DownloadCountFlusher(DownloadCounter counter, Core.Analytics.UsageCounter usage, TimeProvider time, ILogger<DownloadCountFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(30);

    // Pause after a flush = this many times the flush's duration (so flushing takes at most 1/(1+20) of the time).
    private const int PauseFactor = 20;

    /// <summary>The pause before the next flush, after one that took <paramref name="lastFlush"/>.</summary>
    public static TimeSpan NextDelay(TimeSpan lastFlush)
    {
        var scaled = lastFlush * PauseFactor;
        return scaled < Interval ? Interval : scaled > MaxInterval ? MaxInterval : scaled;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = Interval;
        try
        {
            while (true)
            {
                await Task.Delay(delay, time, stoppingToken);
                var started = time.GetTimestamp();
                await FlushAsync(stoppingToken);
                delay = NextDelay(time.GetElapsedTime(started));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync flushes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await counter.FlushAsync(cancellationToken);
            // The analytics' daily counters ride on the same batches (a few rows per flush; see UsageCounter).
            await usage.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Flushing download counts failed");
        }
    }
}
