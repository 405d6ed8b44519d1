using GhostCrate.Core.Catalog;
using GhostCrate.Core.Search;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages;

public sealed class SearchModel(CatalogService catalog) : UiPageModel
{
    public static readonly IReadOnlyList<(string Value, string Label, CrateSort Sort)> Sorts =
    [
        ("relevance", "Relevance", CrateSort.Relevance),
        ("downloads", "Downloads", CrateSort.Downloads),
        ("recent", "Recently updated", CrateSort.RecentlyUpdated),
        ("name", "Name", CrateSort.Name),
    ];

    public CatalogSearchResult Result { get; private set; } = null!;
    public string SortValue { get; private set; } = "relevance";

    // "page" is also Razor Pages' own route value (the page name), so the query string is named explicitly.
    // Filters (issue 23): keyword, category (with its subcategories), organization, crates with advisories. The same
    // filters typed into q (keyword:x category:y org:z has:advisories) work here and in `cargo search`.
    public async Task OnGetAsync(string? q, string? sort, string? keyword, string? category, string? org, bool advisories,
        [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        var chosen = Sorts.FirstOrDefault(s => s.Value == sort);
        if (chosen.Value is null) chosen = Sorts[0];
        SortValue = chosen.Value;
        var query = SearchQuery.Parse(q, keyword, category, org, advisories);
        Result = await catalog.SearchAsync(query, chosen.Sort, pageNumber ?? 1, CatalogService.DefaultPerPage, Viewer, cancellationToken);
    }

    public SearchQuery Filters => Result.Filters;

    public string PageHref(int page)
    {
        var query = new QueryBuilder();
        if (Result.Query.Length > 0) query.Add("q", Result.Query);
        if (SortValue != "relevance") query.Add("sort", SortValue);
        if (Filters.Keyword is { } keyword) query.Add("keyword", keyword);
        if (Filters.Category is { } category) query.Add("category", category);
        if (Filters.Organization is { } org) query.Add("org", org);
        if (Filters.HasAdvisories) query.Add("advisories", "true");
        if (page > 1) query.Add("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/search" + query.ToQueryString();
    }
}
