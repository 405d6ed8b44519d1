using GhostCrate.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// The crates.io proxy/mirror per upstream: reachability, cache size and hit counters. The table refreshes itself
/// every few seconds (htmx) while the page is open; ?probe=true asks each upstream for its config.json first.
/// </summary>
public sealed class MirrorModel : AdminPageModel
{
    public IReadOnlyList<UpstreamStatus> Upstreams { get; private set; } = [];
    public bool Configured { get; private set; }

    public async Task OnGetAsync(bool? probe, CancellationToken cancellationToken)
    {
        var proxy = HttpContext.RequestServices.GetService<ProxyStatusService>();
        Configured = proxy is not null;
        if (proxy is not null) Upstreams = await proxy.GetAsync(probe ?? false, cancellationToken);
    }
}
