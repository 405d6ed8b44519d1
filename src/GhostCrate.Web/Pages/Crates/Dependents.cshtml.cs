using GhostCrate.Core.Catalog;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

public sealed class DependentsModel(CatalogService catalog) : UiPageModel
{
    public const int PerPage = 50;

    public string Name { get; private set; } = "";
    public ReverseDependencyPage Dependents { get; private set; } = null!;
    public int CurrentPage { get; private set; }
    public int Pages => (int)Math.Max(1, (Dependents.Total + PerPage - 1) / PerPage);

    public async Task<IActionResult> OnGetAsync(string name, [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        CurrentPage = Math.Max(pageNumber ?? 1, 1);
        var found = await catalog.ReverseDependenciesAsync(name, CurrentPage, PerPage, Viewer, cancellationToken);
        if (found is null) return NotFound();
        Name = name;
        Dependents = found;
        return Page();
    }
}
