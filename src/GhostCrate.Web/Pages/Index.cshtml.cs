using GhostCrate.Core.Catalog;

namespace GhostCrate.Web.Pages;

public sealed class IndexModel(CatalogService catalog) : UiPageModel
{
    public HomeSummary Summary { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Summary = await catalog.GetHomeAsync(Viewer, cancellationToken);
}
