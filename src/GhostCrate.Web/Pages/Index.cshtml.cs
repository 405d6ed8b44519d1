using GhostCrate.Core.Catalog;
using GhostCrate.Core.Options;
using GhostCrate.Web.Ui;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Pages;

public sealed class IndexModel(CatalogService catalog, IOptions<ProxyOptions> proxy, IOptions<MirrorOptions> mirror, CargoSnippets snippets) : UiPageModel
{
    public HomeSummary Summary { get; private set; } = null!;
    public IReadOnlyList<CratesIoReplacement> Replacements { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Summary = await catalog.GetHomeAsync(Viewer, cancellationToken);
        Replacements = CratesIoReplacements.For(BaseUrl, snippets.RegistryName, proxy.Value, mirror.Value);
    }
}
