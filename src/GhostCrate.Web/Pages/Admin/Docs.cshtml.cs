using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Docs.Build;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// /admin/docs: the docs builder at a glance (docs/rustdoc.md#the-admin-page): versions per state, the pinned
/// toolchain, the newest failures with the end of their logs, "rebuild all" (a job that queues the builds, so the post
/// answers at once) and "rebuild" per failure. The forms post
/// with the antiforgery field (Razor Pages check it) and redirect back here, so a reload queues nothing twice; each
/// action is audited by the Core service it calls (docs.rebuild_all_requested, docs.rebuild_requested).
/// </summary>
public sealed class DocsModel(DocsBuildOverviewService overview, DocsRebuildAllService rebuildAll, DocsBuildStatusService builds) : AdminPageModel
{
    public DocsBuildOverview? Overview { get; private set; }

    [TempData] public string? Flash { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        StatusMessage = Flash;
        return await LoadAsync(cancellationToken) ?? Page();
    }

    public async Task<IActionResult> OnPostRebuildAllAsync(bool all, bool includeUploaded, CancellationToken cancellationToken)
    {
        var result = await rebuildAll.RequestAsync(Caller, all, includeUploaded, cancellationToken);
        var started = result.Value;
        return await FinishAsync(result.Error, started is null ? "" : started.AlreadyRunning
            ? $"The same rebuild-all is already queuing builds (job {started.JobId}); nothing was started twice."
            : $"Rebuild-all with toolchain {started.Toolchain} started (job {started.JobId}): builds are queued in the background, and the counts below show them as they are.", cancellationToken);
    }

    public async Task<IActionResult> OnPostRebuildAsync(string crate, string version, CancellationToken cancellationToken)
    {
        var result = await builds.RebuildAsync(crate, version, Caller, cancellationToken);
        return await FinishAsync(result.Error, $"Queued a build of {crate} {version}.", cancellationToken);
    }

    private async Task<IActionResult> FinishAsync(RegistryError? error, string message, CancellationToken cancellationToken)
    {
        if (error is null)
        {
            Flash = message;
            return Redirect("/admin/docs");
        }
        return await LoadAsync(cancellationToken) ?? Failed(error);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await overview.GetAsync(Caller, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        Overview = result.Value;
        return null;
    }
}
