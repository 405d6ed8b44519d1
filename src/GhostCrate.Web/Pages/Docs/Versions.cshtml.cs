using GhostCrate.Core.Docs;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Docs;

/// <summary>/docs/{crate}: every version of a crate and whether its docs can be read (docs/rustdoc.md).</summary>
public sealed class VersionsModel(DocsReader reader) : UiPageModel
{
    public DocsListing Listing { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken cancellationToken)
    {
        var listing = await reader.ListAsync(name, Viewer, cancellationToken);
        if (listing is null) return NotFound();
        if (listing.Crate.Name != name) return RedirectPermanent(DocsPaths.Crate(listing.Crate.Name));
        Listing = listing;
        return Page();
    }
}
