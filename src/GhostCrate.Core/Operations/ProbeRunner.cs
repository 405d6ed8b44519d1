using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Operations;

/// <summary>
/// Runs every registered <see cref="IDependencyProbe"/> side by side, each with its own time limit, for the admin
/// status page and for /health/ready: one hung dependency must not hang either.
/// </summary>
public sealed class ProbeRunner(IEnumerable<IDependencyProbe> probes, ILogger<ProbeRunner> logger)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<DependencyStatus>> RunAllAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(probes.Select(p => RunAsync(p, cancellationToken)));

    private async Task<DependencyStatus> RunAsync(IDependencyProbe probe, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            var result = await probe.CheckAsync(timeout.Token);
            return new DependencyStatus(probe.Name, result.Healthy, result.Detail, watch.Elapsed, probe.Required);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DependencyStatus(probe.Name, false, $"no answer within {ProbeTimeout.TotalSeconds:0} s", watch.Elapsed, probe.Required);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception may carry hosts or connection details: the page says "unreachable", the log has the rest.
            logger.LogWarning(ex, "Readiness probe {Probe} failed", probe.Name);
            return new DependencyStatus(probe.Name, false, $"unreachable ({ex.GetType().Name}); see the server log", watch.Elapsed, probe.Required);
        }
    }
}

/// <summary>One probe's outcome; <see cref="Required"/> comes from <see cref="IDependencyProbe.Required"/>.</summary>
public sealed record DependencyStatus(string Name, bool Healthy, string Detail, TimeSpan Took, bool Required = true);
