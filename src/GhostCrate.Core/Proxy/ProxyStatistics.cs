using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Proxy;

/// <summary>Adds each upstream's in-memory counters to the database (called periodically by the host, and on shutdown).</summary>
public sealed class ProxyStatistics(UpstreamRegistries upstreams, IUpstreamStatusRepository repository, ILogger<ProxyStatistics> logger)
{
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var upstream in upstreams.All)
        {
            var delta = upstream.Stats.Take();
            if (delta.IsEmpty) continue;
            try
            {
                await repository.AddAsync(upstream.Name, delta, cancellationToken);
            }
            catch (Exception e)
            {
                // Keep the numbers for the next flush rather than losing them.
                upstream.Stats.Restore(delta);
                if (e is OperationCanceledException) throw;
                logger.LogWarning(e, "Could not save the counters of upstream {Upstream}; retrying on the next flush", upstream.Name);
            }
        }
    }
}
