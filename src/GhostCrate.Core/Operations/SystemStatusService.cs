using GhostCrate.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Operations;

/// <summary>What the admin overview shows: registry totals and the readiness of each dependency.</summary>
public sealed class SystemStatusService(ICrateCatalog catalog, ProbeRunner probes, TimeProvider time, ILogger<SystemStatusService> logger)
{
    public async Task<SystemStatus> GetAsync(CancellationToken cancellationToken)
    {
        var checks = await probes.RunAllAsync(cancellationToken);
        RegistryCounts? counts = null;
        try
        {
            counts = await catalog.CountAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not count the registry's crates for the status page");
        }
        return new SystemStatus(time.GetUtcNow(), counts, checks);
    }
}

/// <summary><see cref="Counts"/> is null when the database could not be read.</summary>
public sealed record SystemStatus(DateTimeOffset CheckedAt, RegistryCounts? Counts, IReadOnlyList<DependencyStatus> Dependencies)
{
    /// <summary>The same rule as /health/ready: every required dependency answers (degraded ones are shown, not counted).</summary>
    public bool Ready => Dependencies.All(d => d.Healthy || !d.Required);
}
