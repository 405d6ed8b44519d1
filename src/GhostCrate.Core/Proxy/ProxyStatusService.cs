namespace GhostCrate.Core.Proxy;

/// <summary>The health and cache numbers of one upstream, as the status endpoint shows them.</summary>
public sealed record UpstreamStatus(
    string Name,
    string IndexUrl,
    /// <summary>Null until the upstream was contacted once; then whether the latest contact succeeded.</summary>
    bool? Reachable,
    UpstreamCounters Counters,
    ProxyCacheUsage Cache,
    /// <summary>This node's circuit breaker for the upstream (per node: each node finds out on its own).</summary>
    CircuitState Circuit,
    DateTimeOffset? CircuitOpenedAt,
    DateTimeOffset? CircuitRetryAt);

/// <summary>
/// Status per upstream: the database totals (all processes, earlier runs) plus what this process has not flushed
/// yet, so an outage shows at once. With <c>probe</c> the upstream is asked for its config.json first. The cache
/// numbers are read after this node's waiting writes (<see cref="ProxyWriteBehind"/>, which holds them back while a
/// build is fetching), so they count the files it has answered.
/// </summary>
public sealed class ProxyStatusService(UpstreamRegistries upstreams, IUpstreamStatusRepository statuses, IProxyCacheRepository cache, UpstreamGateway gateway, ProxyWriteBehind writeBehind)
{
    public async Task<IReadOnlyList<UpstreamStatus>> GetAsync(bool probe, CancellationToken cancellationToken)
    {
        await writeBehind.WhenIdleAsync().WaitAsync(cancellationToken);
        var result = new List<UpstreamStatus>();
        foreach (var upstream in upstreams.All)
        {
            if (probe) await gateway.GetConfigAsync(upstream, refresh: true, probe: true).WaitAsync(cancellationToken);
            var counters = await upstream.Stats.ReadAsync(() => statuses.GetAsync(upstream.Name, cancellationToken), cancellationToken);
            var usage = await cache.GetUsageAsync(upstream.Name, cancellationToken);
            bool? reachable = counters switch
            {
                { LastSuccessAt: null, LastErrorAt: null } => null,
                { LastErrorAt: null } => true,
                { LastSuccessAt: null } => false,
                _ => counters.LastSuccessAt >= counters.LastErrorAt,
            };
            var breaker = upstream.Breaker;
            result.Add(new UpstreamStatus(upstream.Name, upstream.Definition.IndexUrl.AbsoluteUri, reachable, counters, usage,
                breaker.State, breaker.OpenedAt, breaker.RetryAt));
        }
        return result;
    }
}
