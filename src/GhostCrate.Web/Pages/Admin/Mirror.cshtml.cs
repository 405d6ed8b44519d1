using GhostCrate.Core.Proxy;
using GhostCrate.Web.Ui.OfflineMirror;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// The offline mirror (Mirror:Directory: its served index and the running or last `mirror sync`, live) and the crates.io
/// proxy per upstream (reachability, cache size and hit counters). Both sections refresh themselves (htmx) while the page
/// is open, the offline mirror every 2 s while a sync runs; without JavaScript the page reloads itself during a sync.
/// ?probe=true asks each upstream for its config.json first.
/// </summary>
public sealed class MirrorModel : AdminPageModel
{
    public IReadOnlyList<UpstreamStatus> Upstreams { get; private set; } = [];
    public bool Configured { get; private set; }
    public IReadOnlyList<OfflineMirrorStatus> OfflineMirrors { get; private set; } = [];
    public bool SyncRunning => OfflineMirrors.Any(m => m.State == "running");

    public async Task OnGetAsync(bool? probe, CancellationToken cancellationToken)
    {
        OfflineMirrors = HttpContext.RequestServices.GetRequiredService<OfflineMirrorStatusService>().Get();
        var proxy = HttpContext.RequestServices.GetService<ProxyStatusService>();
        Configured = proxy is not null;
        if (proxy is not null) Upstreams = await proxy.GetAsync(probe ?? false, cancellationToken);
    }
}
