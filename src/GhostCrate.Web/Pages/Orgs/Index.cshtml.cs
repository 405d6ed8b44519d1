using GhostCrate.Core.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Orgs;

/// <summary>/orgs: your organizations, invitations waiting for your answer, and a new organization.</summary>
public sealed class IndexModel(OrganizationService organizations) : SignedInPageModel
{
    public IReadOnlyList<OrgMembership> Memberships { get; private set; } = [];
    public IReadOnlyList<InvitationRecord> Invitations { get; private set; } = [];

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        StatusMessage = done switch
        {
            "declined" => "Invitation declined.",
            "left" => "You left the organization.",
            "deleted" => "The organization was deleted.",
            _ => null,
        };
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken cancellationToken)
    {
        var result = await organizations.CreateAsync(Caller, (name ?? "").Trim(), cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        return Redirect($"/orgs/{Uri.EscapeDataString(result.Value!.Name)}?done=created");
    }

    public async Task<IActionResult> OnPostAnswerAsync(long id, bool accept, CancellationToken cancellationToken)
    {
        var result = await organizations.AnswerInvitationAsync(Caller, id, accept, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        return accept ? Redirect($"/orgs/{Uri.EscapeDataString(result.Value!.OrgName)}?done=joined") : Redirect("/orgs?done=declined");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Memberships = await organizations.ListMineAsync(Caller, cancellationToken);
        Invitations = await organizations.ListMyInvitationsAsync(Caller, cancellationToken);
    }
}
