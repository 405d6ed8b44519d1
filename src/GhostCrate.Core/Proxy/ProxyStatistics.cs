using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>Adds each upstream's in-memory counters to the database (called periodically by the host, and on shutdown).</summary>
public sealed class ProxyStatistics(UpstreamRegistries upstreams, IUpstreamStatusRepository repository, ILogger<ProxyStatistics> logger)
{
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var upstream in upstreams.All)
        {
            try
            {
                await upstream.Stats.FlushAsync(delta => repository.AddAsync(upstream.Name, delta, cancellationToken), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The numbers stay in memory for the next flush rather than being lost.
                logger.LogWarning(e, "Could not save the counters of upstream {Upstream}; retrying on the next flush", upstream.Name);
            }
        }
    }
}
