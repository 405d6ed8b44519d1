using GhostCrate.Core.Catalog;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Users;

public sealed class ProfileModel(CatalogService catalog) : UiPageModel
{
    public UserCrates Profile { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string username, CancellationToken cancellationToken)
    {
        var found = await catalog.UserCratesAsync(username, Viewer, cancellationToken);
        if (found is null) return NotFound();
        Profile = found;
        return Page();
    }
}
