using GhostCrate.Core.Branding;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Ui;

/// <summary>
/// Loads the stored branding before the server takes requests (hosted services start before Kestrel listens), so the
/// first page of a restarted node already shows what an administrator set. A database that cannot be read now is
/// logged, not fatal: the change feed catches up once it connects (Web/Changes/ChangeFeedService).
/// </summary>
public sealed class BrandingStartupLoad(BrandingService branding, ILogger<BrandingStartupLoad> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await branding.CatchUpAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the stored branding at start-up; showing the configured branding until the change feed catches up");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
