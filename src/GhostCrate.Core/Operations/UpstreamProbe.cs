using GhostCrate.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Core.Operations;

/// <summary>
/// The proxy's upstream registries (crates.io and others), as last seen by the proxy: no extra request is made, so
/// the status page stays fast and never hammers an upstream. Healthy when every upstream answered its latest request
/// (or was not needed yet).
/// </summary>
public sealed class UpstreamProbe(IServiceProvider services) : IDependencyProbe
{
    public string Name => "Upstream registries (proxy)";

    public bool Required => false;

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        // Resolved lazily: hosts and tests without the proxy registered still get a status page.
        if (services.GetService<ProxyStatusService>() is not { } proxy) return ProbeResult.Ok("proxy not configured");
        var upstreams = await proxy.GetAsync(probe: false, cancellationToken);
        if (upstreams.Count == 0) return ProbeResult.Ok("no upstream configured");
        var parts = upstreams.Select(u => u.Reachable switch
        {
            null => $"{u.Name}: not contacted yet",
            true => $"{u.Name}: reachable",
            false => $"{u.Name}: unreachable ({u.Counters.LastError ?? "no detail"})",
        });
        return new ProbeResult(upstreams.All(u => u.Reachable != false), string.Join("; ", parts));
    }
}
