using GhostCrate.Core.Catalog;
using GhostCrate.Core.Search;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Browse;

/// <summary>/categories/{slug}: the crates in a category and its subcategories; 404 for a slug crates.io does not have.</summary>
public sealed class CategoryModel(CatalogService catalog) : CrateListPageModel(catalog)
{
    public CrateCategories.Category Category { get; private set; } = null!;
    public IReadOnlyList<CrateCategories.Category> Subcategories { get; private set; } = [];
    public CrateCategories.Category? Parent { get; private set; }

    protected override string Path => CategoriesModel.Href(Category.Slug);

    public async Task<IActionResult> OnGetAsync(string slug, [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        if (CrateCategories.Find(slug) is not { } category) return NotFound();
        Category = category;
        Parent = category.Parent is { } parent ? CrateCategories.Find(parent) : null;
        Subcategories = CrateCategories.All.Where(c => c.Parent == category.Slug).ToList();
        await ListAsync(SearchQuery.Parse(null, category: category.Slug), pageNumber, cancellationToken);
        return Page();
    }
}
