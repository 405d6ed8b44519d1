using GhostCrate.Core.Downloads;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui.Background;

/// <summary>
/// Flushes the in-memory download counters every Registry:DownloadStatsFlushSeconds, and once more on shutdown so a
/// clean stop loses nothing.
/// </summary>
public sealed class DownloadStatsWriter(DownloadStatsFlusher flusher, IOptions<RegistryOptions> options, TimeProvider time, ILogger<DownloadStatsWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.DownloadStatsFlushSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await flusher.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            var written = await flusher.FlushAsync(cancellationToken);
            if (written > 0) logger.LogInformation("Stored {Downloads} pending download counts at shutdown", written);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not store the pending download counts at shutdown");
        }
    }
}
