using GhostCrate.Core.Docs.Build;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

/// <summary>
/// The crate page's "Rebuild docs" button (POST, antiforgery-checked like every Razor form): queues a build and
/// redirects back to the crate page (POST-redirect-GET). A refusal is shown here with a link back.
/// </summary>
public sealed class DocsRebuildModel(DocsBuildStatusService builds) : SignedInPageModel
{
    public string CratePath { get; private set; } = "/crates";

    public IActionResult OnGet(string name, string version) => Redirect(PathOf(name, version));

    public async Task<IActionResult> OnPostAsync(string name, string version, CancellationToken cancellationToken)
    {
        CratePath = PathOf(name, version);
        var result = await builds.RebuildAsync(name, version, Caller, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        return Redirect(PathOf(result.Value!.Crate, result.Value.Version) + "?docs=queued");
    }

    private static string PathOf(string name, string version) => $"/crates/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}";
}
