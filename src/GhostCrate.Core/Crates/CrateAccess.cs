using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Crates;

/// <summary>
/// Shared checks for operations on an existing crate: it exists, the token allows it (scope, crate scope, not
/// read-only), and the caller may do it: a direct owner, a member of an owning organization or team with a role that
/// allows it (docs/permissions.md), or a site administrator.
/// </summary>
public sealed class CrateAccess(ICrateRepository crates, IOwnerRepository owners, ICrateGroupOwnerRepository groups, IOptions<RegistryOptions> options, AccessCache cache)
{
    public Task<Result<CrateRecord>> RequireOwnedAsync(string name, Principal principal, string scope, CancellationToken cancellationToken) =>
        RequireAsync(name, principal, scope, ActionOf(scope), cancellationToken);

    public async Task<Result<CrateRecord>> RequireAsync(string name, Principal principal, string scope, CrateAction action, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null || !await CanReadAsync(crate, principal, cancellationToken)) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        if (Guards.RequireWriter(principal) is { } readOnly) return readOnly;
        if (Guards.RequireEndpointScope(principal, scope, $"{CratePermissions.Describe(action)} `{crate.Name}`") is { } missingScope) return missingScope;
        if (!principal.Scopes.AllowsCrate(crate.Name))
        {
            return RegistryError.Forbidden($"this token is limited to the crates {string.Join(", ", principal.Scopes.Crates!)} and may not change `{crate.Name}`");
        }
        if (principal.IsAdmin) return Result<CrateRecord>.Ok(crate);
        var grants = await GrantsAsync(crate, principal.UserId, cancellationToken);
        if (CratePermissions.Allows(grants, action, isAdmin: false)) return Result<CrateRecord>.Ok(crate);
        if (!grants.Any)
        {
            return RegistryError.Forbidden($"you are not an owner of crate `{crate.Name}`; only its owners may do this (see `cargo owner --list {crate.Name}`)");
        }
        return RegistryError.Forbidden($"your role in the organization that owns `{crate.Name}` does not allow you to {CratePermissions.Describe(action)} it; ask an owner or admin of the organization (see docs/permissions.md)");
    }

    /// <summary>Direct ownership plus organization and team grants of a user on a crate.</summary>
    public async Task<CrateGrants> GrantsAsync(CrateRecord crate, long userId, CancellationToken cancellationToken)
    {
        var grants = await groups.GetGrantsAsync(crate.Id, userId, cancellationToken);
        return grants.DirectOwner || !await owners.IsOwnerAsync(crate.Id, userId, cancellationToken) ? grants : grants with { DirectOwner = true };
    }

    /// <summary>
    /// Per-crate read access: in auth-required mode a restricted crate exists only for those with a grant on it (and
    /// administrators). Everyone else gets "not found", so its name does not leak. A crate whose every version is held
    /// for approval (no max_version, docs/security.md "Approval hold") exists only for its owners and administrators.
    /// </summary>
    public async Task<bool> CanReadAsync(CrateRecord crate, Principal? principal, CancellationToken cancellationToken)
    {
        if (crate.MaxVersion is null)
        {
            if (principal is null) return false;
            if (!principal.IsAdmin && !(await GrantsAsync(crate, principal.UserId, cancellationToken)).Any) return false;
        }
        return await CanReadRestrictedAsync(crate, principal, cancellationToken);
    }

    /// <summary>
    /// Whether a viewer may learn that a wholly deleted crate existed (its 410 page, its followers' mail). Its tombstone
    /// does not record whether it was restricted, and restrictions only apply in auth-required mode: there, only
    /// administrators and its former owners may; otherwise everyone, as everyone could read it.
    /// </summary>
    public bool CanSeeDeleted(IReadOnlyCollection<long> formerOwnerIds, Principal? principal) =>
        !options.Value.AuthRequired || principal is not null && (principal.IsAdmin || formerOwnerIds.Contains(principal.UserId));

    private async Task<bool> CanReadRestrictedAsync(CrateRecord crate, Principal? principal, CancellationToken cancellationToken)
    {
        if (!options.Value.AuthRequired || !await groups.IsRestrictedAsync(crate.Id, cancellationToken)) return true;
        return await MayReadRestrictedAsync(crate, principal, cancellationToken);
    }

    private async Task<bool> MayReadRestrictedAsync(CrateRecord crate, Principal? principal, CancellationToken cancellationToken)
    {
        if (principal is null) return false;
        if (principal.IsAdmin) return true;
        return CratePermissions.Allows(await GrantsAsync(crate, principal.UserId, cancellationToken), CrateAction.Read, isAdmin: false);
    }

    /// <summary>
    /// The read check of Cargo's read routes, remembered (<see cref="AccessCache"/>): per crate when the crate is open to
    /// every caller (most are), per crate and caller only for restricted ones.
    /// </summary>
    public async ValueTask<bool> CanReadAsync(string name, Principal? principal, CancellationToken cancellationToken)
    {
        if (TryCanReadRemembered(name, principal, out var remembered)) return remembered;
        var canonical = Protocol.Crates.CrateName.Canonicalize(name);
        var stamp = cache.Stamp;
        var crate = await crates.FindAsync(canonical, cancellationToken);
        // A crate that does not exist yet reads as open (the caller then gets its 404); its first publish inserts
        // owners, which moves the access epoch, so this answer does not outlive the crate's creation.
        // Only the restriction is remembered: approving a held version does not move the access epoch, and Cargo's
        // read routes leave held versions out by themselves (no index file, no download).
        if (crate is null || !await groups.IsRestrictedAsync(crate.Id, cancellationToken))
        {
            cache.StoreOpen(canonical, stamp);
            return true;
        }
        var mayRead = await MayReadRestrictedAsync(crate, principal, cancellationToken);
        cache.StoreRead(canonical, principal, mayRead, stamp);
        return mayRead;
    }

    /// <summary>The read check of <see cref="CanReadAsync(string, Principal?, CancellationToken)"/> when it needs no lookup; false when it does.</summary>
    public bool TryCanReadRemembered(string name, Principal? principal, out bool mayRead)
    {
        mayRead = true;
        if (!options.Value.AuthRequired) return true;
        var canonical = Protocol.Crates.CrateName.Canonicalize(name);
        return cache.IsKnownOpen(canonical) || cache.TryGetRead(canonical, principal, out mayRead);
    }

    private static CrateAction ActionOf(string scope) => scope switch
    {
        TokenScopes.Yank => CrateAction.Yank,
        TokenScopes.ChangeOwners => CrateAction.ChangeOwners,
        TokenScopes.PublishUpdate => CrateAction.PublishUpdate,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "no crate action for this scope"),
    };
}
