using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Ui;

/// <summary>
/// The signed-in user's open organization invitations, for the header badge and /me (issue 23 item 6). Read once per
/// request (the layout and the page share it through HttpContext.Items); anonymous requests cost nothing.
/// </summary>
public sealed class PendingInvitations(OrganizationService organizations)
{
    private static readonly object Key = new();

    public async Task<IReadOnlyList<InvitationRecord>> ForAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var known) && known is IReadOnlyList<InvitationRecord> list) return list;
        IReadOnlyList<InvitationRecord> found = context.SessionUser() is { } user
            ? await organizations.ListMyInvitationsAsync(Principal.ForSession(user), context.RequestAborted)
            : [];
        context.Items[Key] = found;
        return found;
    }
}
