using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

/// <summary>
/// /crates/{name}/manage: yank and unyank (with a reason), owners (users, organizations, teams) and the restricted
/// switch, for the crate's owners and administrators. Every action goes through the same Core services as the Cargo
/// API (same rules, same audit log) and redirects after the post, so a reload never repeats it. Destructive actions
/// (yank, removing an owner) first show a confirmation form reached by a plain link, so they ask without JavaScript.
/// Adding a user invites them (OwnerService); the open invitations are listed here and may be revoked.
/// </summary>
public sealed class ManageModel(CrateDetailsService details, CrateAccess access, YankService yanks, OwnerService owners, Core.Deletion.DeletionService deletions,
    CrateTransferService transfers, OrganizationService organizations, OwnerInvitationService invitations,
    Microsoft.Extensions.Options.IOptions<Core.Options.IdentityOptions> identity) : SignedInPageModel
{
    public CrateDetails Details { get; private set; } = null!;
    public CrateOwners Owners { get; private set; } = null!;
    /// <summary>Invitations to own the crate waiting for an answer (shown to those who may change owners).</summary>
    public IReadOnlyList<OwnerInvitationRecord> Invitations { get; private set; } = [];
    public int InvitationDays => identity.Value.OwnerInvitationDays;
    public bool Restricted { get; private set; }
    public bool CanYank { get; private set; }
    public bool CanChangeOwners { get; private set; }

    /// <summary>The version whose yank is being confirmed (?yank=), if any.</summary>
    public VersionSummary? ConfirmYank { get; private set; }

    /// <summary>The version whose deletion is being confirmed (?delete=VERSION), or "*" for the whole crate (?delete=*).</summary>
    public string? ConfirmDelete { get; private set; }

    /// <summary>Organizations the caller may transfer the crate to (owner or admin of them), by name.</summary>
    public IReadOnlyList<string> TransferTargets { get; private set; } = [];

    /// <summary>The organization a transfer is being confirmed to (?transfer=ORG), and whether the user owners stay (&amp;keep=true).</summary>
    public string? ConfirmTransfer { get; private set; }
    public bool ConfirmTransferKeep { get; private set; }

    /// <summary>The owner whose removal is being confirmed (?remove=), if any.</summary>
    public string? ConfirmRemove { get; private set; }

    /// <summary>The result of the action before the redirect (kept for one request).</summary>
    [TempData] public string? Flash { get; set; }

    public async Task<IActionResult> OnGetAsync(string name, string? yank, string? remove, string? delete, string? transfer, bool keep, CancellationToken cancellationToken)
    {
        if (await LoadAsync(name, cancellationToken) is { } failed) return failed;
        if (Details.Crate.Name != name) return Redirect($"/crates/{Details.Crate.Name}/manage");
        StatusMessage = Flash;
        if (yank is not null)
        {
            ConfirmYank = Details.Versions.FirstOrDefault(v => v.Version == yank && !v.Yanked);
            if (ConfirmYank is null) ErrorMessage = $"{Details.Crate.Name} has no unyanked version {yank}.";
        }
        if (delete is not null && CanChangeOwners)
        {
            if (delete == "*" || Details.Versions.Any(v => v.Version == delete)) ConfirmDelete = delete;
            else ErrorMessage = $"{Details.Crate.Name} has no version {delete}.";
        }
        if (!string.IsNullOrWhiteSpace(transfer) && CanChangeOwners)
        {
            ConfirmTransfer = transfer.Trim();
            ConfirmTransferKeep = keep;
        }
        if (remove is not null)
        {
            var isOwner = Owners.Users.Any(u => u.Username == remove) || Owners.Groups.Any(g => g.Login == remove);
            if (isOwner) ConfirmRemove = remove;
            else ErrorMessage = $"{remove} does not own {Details.Crate.Name}.";
        }
        return Page();
    }

    public Task<IActionResult> OnPostYankAsync(string name, string version, string? reason, CancellationToken cancellationToken) =>
        ActAsync(name, yanks.SetYankedAsync(name, version, true, Caller, cancellationToken, reason), $"Yanked {version}: cargo no longer picks it for new lock files.", cancellationToken);

    public Task<IActionResult> OnPostUnyankAsync(string name, string version, CancellationToken cancellationToken) =>
        ActAsync(name, yanks.SetYankedAsync(name, version, false, Caller, cancellationToken), $"Unyanked {version}: cargo may pick it again.", cancellationToken);

    /// <summary>Deletes a version, or the whole crate when <paramref name="version"/> is empty (docs/security.md "Deleting crates and versions").</summary>
    public async Task<IActionResult> OnPostDeleteAsync(string name, string? version, string? reason, CancellationToken cancellationToken)
    {
        var result = await deletions.DeleteAsync(name, string.IsNullOrEmpty(version) ? null : version, reason, Caller, cancellationToken);
        if (result.Error is { } error) return await FinishAsync(name, error, null, cancellationToken);
        var outcome = result.Value!;
        // Nothing is left to manage once the crate is gone: back to the front page, where the message is shown.
        if (outcome.CrateDeleted)
        {
            Flash = $"Deleted {outcome.Name} ({string.Join(", ", outcome.Versions)}). Its versions can never be published again.";
            return Redirect("/");
        }
        return await FinishAsync(name, null, $"Deleted {outcome.Name} {version}: it can never be published again.", cancellationToken);
    }

    public async Task<IActionResult> OnPostAddOwnerAsync(string name, string? login, CancellationToken cancellationToken)
    {
        var logins = (login ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await owners.AddAsync(name, logins, Caller, cancellationToken);
        return await FinishAsync(name, result.Error, FirstUpper(result.Value), cancellationToken);
    }

    /// <summary>Hands the crate to an organization in one transaction (issue 23); the rules are <see cref="CrateTransferService"/>'s.</summary>
    public async Task<IActionResult> OnPostTransferAsync(string name, string? org, bool keep, CancellationToken cancellationToken)
    {
        var result = await transfers.TransferAsync(name, org ?? "", keep, Caller, cancellationToken);
        if (result.Error is { } error) return await FinishAsync(name, error, null, cancellationToken);
        var outcome = result.Value!;
        var removed = outcome.RemovedUsers.Count == 0 ? "" : $" {string.Join(", ", outcome.RemovedUsers)} no longer own{(outcome.RemovedUsers.Count == 1 ? "s" : "")} it directly.";
        return await FinishAsync(name, null, $"Transferred {outcome.Crate} to the organization {outcome.Org}.{removed}", cancellationToken);
    }

    public async Task<IActionResult> OnPostRevokeInvitationAsync(string name, string login, CancellationToken cancellationToken)
    {
        var result = await invitations.RevokeAsync(name, login, Caller, cancellationToken);
        return await FinishAsync(name, result.Error, $"The invitation of {login} was withdrawn.", cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveOwnerAsync(string name, string login, CancellationToken cancellationToken)
    {
        var result = await owners.RemoveAsync(name, [login], Caller, cancellationToken);
        return await FinishAsync(name, result.Error, $"{login} no longer owns {name}.", cancellationToken);
    }

    public async Task<IActionResult> OnPostRestrictedAsync(string name, bool restricted, CancellationToken cancellationToken)
    {
        var result = await owners.SetRestrictedAsync(name, restricted, Caller, cancellationToken);
        return await FinishAsync(name, result.Error,
            restricted ? "Restricted: only owners, their organizations and teams can see and download it (when the registry requires sign-in)." : "No longer restricted: everyone who may use the registry can see and download it.",
            cancellationToken);
    }

    private async Task<IActionResult> ActAsync(string name, Task<Result<bool>> action, string message, CancellationToken cancellationToken)
    {
        var result = await action;
        return await FinishAsync(name, result.Error, message, cancellationToken);
    }

    /// <summary>Success: back to the page with the message (post-redirect-get). Failure: the page with the error, nothing done.</summary>
    private async Task<IActionResult> FinishAsync(string name, RegistryError? error, string? message, CancellationToken cancellationToken)
    {
        if (error is null)
        {
            Flash = message;
            return Redirect($"/crates/{Uri.EscapeDataString(name)}/manage");
        }
        if (await LoadAsync(name, cancellationToken) is { } failed) return failed;
        return Failed(error);
    }

    private async Task<IActionResult?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var found = await details.GetAsync(name, null, Caller, cancellationToken);
        if (found is null) return NotFound();
        Details = found;
        var grants = Caller.IsAdmin ? CrateGrants.None : await access.GrantsAsync(found.Crate, Caller.UserId, cancellationToken);
        CanYank = CratePermissions.Allows(grants, CrateAction.Yank, Caller.IsAdmin);
        CanChangeOwners = CratePermissions.Allows(grants, CrateAction.ChangeOwners, Caller.IsAdmin);
        if (!CanYank && !CanChangeOwners) return StatusCode(Microsoft.AspNetCore.Http.StatusCodes.Status403Forbidden);
        Owners = (await owners.ListAllAsync(found.Crate.Name, Caller, cancellationToken)).Value!;
        Restricted = (await owners.IsRestrictedAsync(found.Crate.Name, Caller, cancellationToken)).Value;
        if (CanChangeOwners)
        {
            Invitations = (await invitations.ListForCrateAsync(found.Crate.Name, Caller, cancellationToken)).Value ?? [];
            // Administrators may transfer to any organization, but the list offers the caller's own; others are typed.
            TransferTargets = [.. (await organizations.ListMineAsync(Caller, cancellationToken))
                .Where(m => m.Role.ManagesMembers() && Owners.Groups.All(g => g.TeamId is not null || g.OrgId != m.Organization.Id))
                .Select(m => m.Organization.Name).Order(StringComparer.Ordinal)];
        }
        return null;
    }

    private static string? FirstUpper(string? text) => string.IsNullOrEmpty(text) ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
