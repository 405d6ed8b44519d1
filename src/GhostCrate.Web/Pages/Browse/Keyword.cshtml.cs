using GhostCrate.Core.Catalog;
using GhostCrate.Core.Search;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Browse;

/// <summary>/keywords/{keyword}: the crates with this keyword (an unknown keyword is an empty list, as on crates.io).</summary>
public sealed class KeywordModel(CatalogService catalog) : CrateListPageModel(catalog)
{
    public string Keyword { get; private set; } = "";

    protected override string Path => KeywordsModel.Href(Keyword);

    public async Task OnGetAsync(string keyword, [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        var query = SearchQuery.Parse(null, keyword: keyword);
        Keyword = query.Keyword ?? "";
        await ListAsync(query, pageNumber, cancellationToken);
    }
}
