using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Crates;

/// <summary>
/// Invitations to own a crate (crates.io's crate owner invitations; <see cref="OwnerService.AddAsync"/> writes them):
/// the invitee lists, accepts or declines theirs (/me, `/api/v1/me/crate_owner_invitations`); the crate's owners list
/// and revoke the open ones (its Manage page, `/api/v1/crates/{name}/owner_invitations`). Each answer is audited.
/// </summary>
public sealed class OwnerInvitationService(ICrateRepository crates, IOwnerInvitationRepository invitations, IUserRepository users,
    CrateAccess access, TimeProvider time, AuditLog audit)
{
    public Task<IReadOnlyList<OwnerInvitationRecord>> ListMineAsync(Principal caller, CancellationToken cancellationToken) =>
        invitations.ListForUserAsync(caller.UserId, time.GetUtcNow(), cancellationToken);

    /// <summary>The caller's open invitations to own crates and to join organizations, counted in one query (the header badge).</summary>
    public Task<PendingInvitationCounts> CountMineAsync(Principal caller, CancellationToken cancellationToken) =>
        invitations.CountForUserAsync(caller.UserId, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// The invitee accepts (becomes an owner at once) or declines. An expired invitation is removed and refused. Answers
    /// change the account, so scoped tokens may not give them; a read-only account may decline but not accept.
    /// </summary>
    public async Task<Result<OwnerInvitationRecord>> AnswerAsync(Principal caller, string crateName, bool accept, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } scoped) return scoped;
        if (accept && Guards.RequireWriter(caller) is { } readOnly) return readOnly;
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(crateName), cancellationToken);
        var invitation = crate is null ? null : await invitations.FindAsync(crate.Id, caller.UserId, cancellationToken);
        if (crate is null || invitation is null) return RegistryError.NotFound($"you have no invitation to own a crate named `{crateName}`");
        if (invitation.ExpiresAt <= time.GetUtcNow())
        {
            await invitations.DeleteAsync(crate.Id, caller.UserId, cancellationToken);
            return RegistryError.BadRequest($"the invitation to own `{crate.Name}` expired on {invitation.ExpiresAt:yyyy-MM-dd}; ask an owner to invite you again");
        }
        var done = accept
            ? await invitations.AcceptAsync(crate.Id, caller.UserId, time.GetUtcNow(), cancellationToken)
            : await invitations.DeleteAsync(crate.Id, caller.UserId, cancellationToken);
        // Another answer (another tab, another node) or the expiry got there first.
        if (!done) return RegistryError.NotFound($"you have no invitation to own a crate named `{crateName}`");
        await audit.RecordAsync(caller, accept ? AuditActions.OwnerInvitationAccepted : AuditActions.OwnerInvitationDeclined, $"crate:{crate.Name}",
            new Dictionary<string, string?> { ["invited_by"] = invitation.InvitedBy }, cancellationToken);
        return Result<OwnerInvitationRecord>.Ok(invitation);
    }

    /// <summary>The open invitations to a crate, for those who may change its owners.</summary>
    public async Task<Result<IReadOnlyList<OwnerInvitationRecord>>> ListForCrateAsync(string crateName, Principal caller, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(crateName, caller, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        return Result<IReadOnlyList<OwnerInvitationRecord>>.Ok(await invitations.ListForCrateAsync(owned.Value!.Id, time.GetUtcNow(), cancellationToken));
    }

    /// <summary>Withdraws the open invitation of <paramref name="login"/> to the crate (same right as changing owners).</summary>
    public async Task<Result<string>> RevokeAsync(string crateName, string login, Principal caller, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(crateName, caller, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        var user = await users.FindByNameAsync(login, cancellationToken);
        if (user is null || !await invitations.DeleteAsync(crate.Id, user.Id, cancellationToken))
            return RegistryError.NotFound($"`{login}` has no open invitation to own `{crate.Name}`");
        await audit.RecordAsync(caller, AuditActions.OwnerInvitationRevoked, $"crate:{crate.Name}", new Dictionary<string, string?> { ["user"] = user.Username }, cancellationToken);
        return Result<string>.Ok(user.Username);
    }
}
