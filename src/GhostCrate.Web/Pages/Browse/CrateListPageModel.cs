using GhostCrate.Core.Catalog;
using GhostCrate.Core.Search;
using Microsoft.AspNetCore.Http.Extensions;

namespace GhostCrate.Web.Pages.Browse;

/// <summary>A page listing the crates of one filter (a keyword, a category, an organization), most downloaded first, paged.</summary>
public abstract class CrateListPageModel(CatalogService catalog) : UiPageModel
{
    public CatalogSearchResult Result { get; private set; } = null!;

    protected async Task ListAsync(SearchQuery query, int? page, CancellationToken cancellationToken) =>
        Result = await catalog.SearchAsync(query, CrateSort.Downloads, page ?? 1, CatalogService.DefaultPerPage, Viewer, cancellationToken);

    /// <summary>This page's own address.</summary>
    protected abstract string Path { get; }

    public string PageHref(int page)
    {
        var query = new QueryBuilder();
        if (page > 1) query.Add("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Path + query.ToQueryString();
    }
}
