using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Holds;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// /admin/held: versions waiting for an administrator's approval (docs/security.md "Approval hold"). Approve is one
/// POST; reject first shows a confirmation form with the reason (reached by a plain link, so it asks without
/// JavaScript). Both redirect back here after the post, so a reload does nothing twice.
/// </summary>
public sealed class HeldModel(HoldService holds) : AdminPageModel
{
    public IReadOnlyList<HeldVersion> Held { get; private set; } = [];

    [TempData] public string? Flash { get; set; }

    /// <summary>The version whose rejection is being confirmed (?reject=name@version), if any.</summary>
    public HeldVersion? ConfirmReject { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? crate, string? reject, CancellationToken cancellationToken)
    {
        StatusMessage = Flash;
        if (await LoadAsync(cancellationToken) is { } failed) return failed;
        if (crate is not null && reject is not null)
        {
            ConfirmReject = Held.FirstOrDefault(h => h.Crate == crate && h.Version == reject);
            if (ConfirmReject is null) ErrorMessage = $"{crate} {reject} is not held for approval.";
        }
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(string crate, string version, CancellationToken cancellationToken)
    {
        var result = await holds.ApproveAsync(Caller, crate, version, cancellationToken);
        return await FinishAsync(result.Error, $"Approved {crate} {version}: cargo can resolve and download it now.", cancellationToken);
    }

    public async Task<IActionResult> OnPostRejectAsync(string crate, string version, string? reason, CancellationToken cancellationToken)
    {
        var result = await holds.RejectAsync(Caller, crate, version, reason, cancellationToken);
        return await FinishAsync(result.Error,
            $"Rejected {crate} {version}: the version and its .crate were removed{(result.Value?.CrateRemoved == true ? ", and the crate with it (the name is free again)" : "")}.",
            cancellationToken);
    }

    private async Task<IActionResult> FinishAsync(RegistryError? error, string message, CancellationToken cancellationToken)
    {
        if (error is null)
        {
            Flash = message;
            return Redirect("/admin/held");
        }
        if (await LoadAsync(cancellationToken) is { } failed) return failed;
        return Failed(error);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await holds.ListAsync(Caller, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        Held = result.Value!;
        return null;
    }
}
