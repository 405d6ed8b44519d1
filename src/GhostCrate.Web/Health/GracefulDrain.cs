using GhostCrate.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Health;

/// <summary>
/// On SIGTERM (or any host stop): readiness turns 503 at once, the node keeps serving for Server:DrainSeconds so load
/// balancers and Kubernetes take it out of rotation, and only then does Kestrel close its listeners and wait up to
/// Server:ShutdownTimeoutSeconds for requests in flight. Kubernetes sends SIGTERM and removes the pod from its
/// Service endpoints at the same time, without ordering them
/// (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination), hence the delay.
/// </summary>
/// <remarks>
/// The host calls every <see cref="IHostedLifecycleService.StoppingAsync"/> before any hosted service's StopAsync,
/// and the web server is stopped by one of those StopAsync calls: the delay here runs while Kestrel still accepts.
/// </remarks>
public sealed class GracefulDrain(NodeLifecycle lifecycle, IOptions<ServerOptions> options, TimeProvider time, ILogger<GracefulDrain> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        lifecycle.MarkHostStarted();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        lifecycle.BeginDrain();
        var drain = options.Value.Drain;
        if (drain <= TimeSpan.Zero || !lifecycle.DrainBeforeStop) return;
        logger.LogInformation("Draining: /health/ready answers 503; still serving for {DrainSeconds} s, then requests in flight get up to {ShutdownTimeoutSeconds} s to finish",
            drain.TotalSeconds, options.Value.ShutdownTimeoutSeconds);
        try
        {
            await Task.Delay(drain, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's stop budget ran out (or a second signal came): stop now.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
