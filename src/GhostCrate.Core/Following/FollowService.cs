using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using GhostCrate.Protocol.Crates;

namespace GhostCrate.Core.Following;

/// <summary>
/// Following a crate or an organization (issue 21 item 5): the follower is mailed about the crate's releases, yanks,
/// deletions and advisories (docs/notifications.md "Following"). One may follow only a crate one can read, so a
/// restricted crate's name does not leak (the same 404 as for a crate that does not exist), and any organization
/// with a public page. Follows belong to the account: sessions and unscoped tokens only. Changes are audited.
/// </summary>
public sealed class FollowService(
    IFollowRepository follows,
    ICrateRepository crates,
    CrateAccess access,
    OrganizationService organizations,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<Result<FollowList>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        return Result<FollowList>.Ok(await follows.ListAsync(caller.UserId, cancellationToken));
    }

    public async Task<Result<FollowList>> FollowCrateAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var crate = IsCrateName(name) ? await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken) : null;
        if (crate is null || !await access.CanReadAsync(crate, caller, cancellationToken))
            return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        if (await follows.FollowCrateAsync(caller.UserId, CrateName.Canonicalize(crate.Name), time.GetUtcNow(), cancellationToken))
            await audit.RecordAsync(caller, AuditActions.FollowAdded, $"crate:{crate.Name}", cancellationToken);
        return await ListAsync(caller, cancellationToken);
    }

    /// <summary>A no-op for a crate never followed (or deleted since: its deletion ended the follow).</summary>
    public async Task<Result<FollowList>> UnfollowCrateAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        if (!IsCrateName(name)) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        if (await follows.UnfollowCrateAsync(caller.UserId, CrateName.Canonicalize(name), cancellationToken))
            await audit.RecordAsync(caller, AuditActions.FollowRemoved, $"crate:{name}", cancellationToken);
        return await ListAsync(caller, cancellationToken);
    }

    public async Task<Result<FollowList>> FollowOrgAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        if (await organizations.FindPublicAsync(name, cancellationToken) is not { } org) return RegistryError.NotFound($"organization `{name}` does not exist");
        if (await follows.FollowOrgAsync(caller.UserId, org.Id, time.GetUtcNow(), cancellationToken))
            await audit.RecordAsync(caller, AuditActions.FollowAdded, $"org:{org.Name}", cancellationToken);
        return await ListAsync(caller, cancellationToken);
    }

    public async Task<Result<FollowList>> UnfollowOrgAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        if (await organizations.FindPublicAsync(name, cancellationToken) is not { } org) return RegistryError.NotFound($"organization `{name}` does not exist");
        if (await follows.UnfollowOrgAsync(caller.UserId, org.Id, cancellationToken))
            await audit.RecordAsync(caller, AuditActions.FollowRemoved, $"org:{org.Name}", cancellationToken);
        return await ListAsync(caller, cancellationToken);
    }

    /// <summary>For the pages' Follow/Unfollow button: whether a signed-in viewer follows the crate.</summary>
    public Task<bool> FollowsCrateAsync(Principal viewer, string name, CancellationToken cancellationToken) =>
        follows.FollowsCrateAsync(viewer.UserId, CrateName.Canonicalize(name), cancellationToken);

    /// <summary>For the organization page's button.</summary>
    public Task<bool> FollowsOrgAsync(Principal viewer, string name, CancellationToken cancellationToken) =>
        follows.FollowsOrgAsync(viewer.UserId, OrganizationService.Canonical(name), cancellationToken);

    private static bool IsCrateName(string name) => name.Length is > 0 and <= 64 && name.All(CrateName.IsNameChar);
}
