using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Ui;

/// <summary>
/// The signed-in user's open invitations, to organizations and to own crates, for the header badge and /me (issue 23
/// item 6). Read once per request (the layout and the page share them through HttpContext.Items); the header badge
/// counts both in one query unless the page already read the lists; anonymous requests cost nothing.
/// </summary>
public sealed class PendingInvitations(OrganizationService organizations, OwnerInvitationService crateInvitations)
{
    private static readonly object Key = new();
    private static readonly object CrateKey = new();

    public async Task<IReadOnlyList<InvitationRecord>> ForAsync(HttpContext context) =>
        await ReadOnceAsync(context, Key, p => organizations.ListMyInvitationsAsync(p, context.RequestAborted));

    /// <summary>Invitations to own crates, answered on /me.</summary>
    public async Task<IReadOnlyList<OwnerInvitationRecord>> CratesForAsync(HttpContext context) =>
        await ReadOnceAsync(context, CrateKey, p => crateInvitations.ListMineAsync(p, context.RequestAborted));

    /// <summary>
    /// The header badge's counts: from the lists when the page already read them (/me), else one query for both.
    /// </summary>
    public async Task<PendingInvitationCounts> CountsForAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var orgs) && orgs is IReadOnlyList<InvitationRecord> orgList
            && context.Items.TryGetValue(CrateKey, out var crates) && crates is IReadOnlyList<OwnerInvitationRecord> crateList)
            return new PendingInvitationCounts(orgList.Count, crateList.Count);
        return context.SessionUser() is { } user
            ? await crateInvitations.CountMineAsync(Principal.ForSession(user), context.RequestAborted)
            : PendingInvitationCounts.None;
    }

    private static async Task<IReadOnlyList<T>> ReadOnceAsync<T>(HttpContext context, object key, Func<Principal, Task<IReadOnlyList<T>>> read)
    {
        if (context.Items.TryGetValue(key, out var known) && known is IReadOnlyList<T> list) return list;
        IReadOnlyList<T> found = context.SessionUser() is { } user ? await read(Principal.ForSession(user)) : [];
        context.Items[key] = found;
        return found;
    }
}
