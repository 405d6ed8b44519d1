using GhostCrate.Web.Ui.Source;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

/// <summary>
/// An image file of a version's .crate, for README images (<see cref="Ui.Readme.ReadmeCrateFiles"/>): image types
/// only, checked against their magic bytes, under a sandbox policy (<see cref="CrateImages"/>). A page model, not an
/// endpoint, so that auth-required mode and restricted crates apply exactly as on the crate page.
/// </summary>
public sealed class RawModel(CrateSources sources) : UiPageModel
{
    public async Task<IActionResult> OnGetAsync(string name, string version, string path, CancellationToken cancellationToken)
    {
        if (CrateImages.ContentType(path) is not { } type) return NotFound();
        var found = await sources.FindAsync(name, version, Viewer, cancellationToken);
        if (found is null) return NotFound();
        var file = await sources.ReadFileAsync(found, path, CrateImages.MaxBytes, cancellationToken);
        if (file?.Content is not { } content || file.Truncated || !CrateImages.Matches(type, content)) return NotFound();

        var headers = Response.Headers;
        headers.ContentSecurityPolicy = CrateImages.Policy;
        headers.XContentTypeOptions = "nosniff";
        // A version's files never change; private, because the crate may be restricted or the registry auth-required.
        headers.CacheControl = "private, max-age=86400";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        return File(content, type);
    }
}
