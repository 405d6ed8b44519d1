using System.Diagnostics;
using GhostCrate.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Operations;

/// <summary>What the admin overview shows: registry totals and the readiness of each dependency.</summary>
public sealed class SystemStatusService(ICrateCatalog catalog, IEnumerable<IDependencyProbe> probes, TimeProvider time, ILogger<SystemStatusService> logger)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<SystemStatus> GetAsync(CancellationToken cancellationToken)
    {
        // Probes run side by side, each with its own time limit: one hung dependency must not hang the page.
        var checks = await Task.WhenAll(probes.Select(p => RunAsync(p, cancellationToken)));
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

    private async Task<DependencyStatus> RunAsync(IDependencyProbe probe, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            var result = await probe.CheckAsync(timeout.Token);
            return new DependencyStatus(probe.Name, result.Healthy, result.Detail, watch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DependencyStatus(probe.Name, false, $"no answer within {ProbeTimeout.TotalSeconds:0} s", watch.Elapsed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception may carry hosts or connection details: the page says "unreachable", the log has the rest.
            logger.LogWarning(ex, "Readiness probe {Probe} failed", probe.Name);
            return new DependencyStatus(probe.Name, false, $"unreachable ({ex.GetType().Name}); see the server log", watch.Elapsed);
        }
    }
}

/// <summary><see cref="Counts"/> is null when the database could not be read.</summary>
public sealed record SystemStatus(DateTimeOffset CheckedAt, RegistryCounts? Counts, IReadOnlyList<DependencyStatus> Dependencies)
{
    public bool Ready => Dependencies.All(d => d.Healthy);
}

public sealed record DependencyStatus(string Name, bool Healthy, string Detail, TimeSpan Took);
