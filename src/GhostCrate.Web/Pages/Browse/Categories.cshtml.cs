using GhostCrate.Core.Search;

namespace GhostCrate.Web.Pages.Browse;

/// <summary>/categories: crates.io's categories with how many crates of this registry are in each.</summary>
public sealed class CategoriesModel(BrowseService browse) : UiPageModel
{
    public IReadOnlyList<CategoryCount> Categories { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Categories = await browse.CategoriesAsync(cancellationToken);

    public static string Href(string slug) => "/categories/" + Uri.EscapeDataString(slug);
}
