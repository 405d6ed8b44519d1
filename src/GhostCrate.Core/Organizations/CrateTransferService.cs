using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Organizations;

/// <summary>
/// Moves a crate to an organization (issue 23): the caller must be allowed to change the crate's owners (the same
/// check as `cargo owner`) and be an owner or admin of the organization (the roles that manage it, docs/permissions.md);
/// site administrators may always. Adding the organization and removing the user owners is one transaction
/// (<see cref="ICrateTransferRepository"/>), so the crate is never ownerless and never half-moved.
/// </summary>
public sealed class CrateTransferService(
    CrateAccess access,
    IOrganizationRepository orgs,
    ICrateTransferRepository transfers,
    AuditLog audit,
    TimeProvider time,
    ILogger<CrateTransferService> logger)
{
    public async Task<Result<CrateTransferOutcome>> TransferAsync(string crateName, string orgName, bool keepUserOwners, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireAsync(crateName, principal, TokenScopes.ChangeOwners, CrateAction.ChangeOwners, cancellationToken);
        if (owned.Error is { } denied) return denied;
        var crate = owned.Value!;
        var org = await orgs.FindAsync(OrganizationService.Canonical(orgName), cancellationToken);
        if (org is null) return RegistryError.NotFound($"organization `{orgName}` does not exist");
        if (!principal.IsAdmin)
        {
            var role = await orgs.GetRoleAsync(org.Id, principal.UserId, cancellationToken);
            // Members could otherwise hand crates to an organization whose owners never agreed to maintain them.
            if (role is not { } r || !r.ManagesMembers())
            {
                return RegistryError.Forbidden(
                    $"only owners and admins of the organization `{org.Name}` may transfer crates to it" +
                    (role is null ? "; you are not a member" : $"; your role is {role.Value.ToStored()}"));
            }
        }

        var outcome = await transfers.TransferAsync(crate.Id, org.Id, keepUserOwners, time.GetUtcNow(), cancellationToken);
        if (outcome is null) return RegistryError.NotFound($"crate `{crateName}` does not exist in this registry");
        logger.LogInformation("Crate {Crate} transferred to organization {Org} by {User} (user owners removed: {Removed})",
            outcome.Crate, org.Name, principal.Username, outcome.RemovedUsers);
        await audit.RecordAsync(principal, AuditActions.CrateTransferred, $"crate:{outcome.Crate}", new Dictionary<string, string?>
        {
            ["org"] = org.Name,
            ["removed_owners"] = string.Join(' ', outcome.RemovedUsers),
            ["kept_owners"] = keepUserOwners ? "true" : "false",
        }, cancellationToken);
        return Result<CrateTransferOutcome>.Ok(outcome);
    }
}
