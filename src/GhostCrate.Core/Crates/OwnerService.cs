using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Organizations;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Crates;

/// <summary>
/// `cargo owner` (https://doc.rust-lang.org/cargo/reference/registry-web-api.html#owners-list). Owners are users and,
/// as on crates.io's teams, groups: `org:acme` (an organization) and `org:acme:team` (one of its teams).
/// Adding a user invites them, as crates.io does (docs/permissions.md "Owner invitations"): nobody is made able to
/// publish under a name without saying yes, and a typo in a login cannot hand a crate to a stranger. Groups are added at
/// once (their own owners decide who is in them, and adding one needs a role in it); so are users added by an
/// administrator (who can make anyone an owner anyway, e.g. to hand over the crates of someone who left) and callers
/// adding themselves.
/// </summary>
public sealed class OwnerService(
    ICrateRepository crates,
    IOwnerRepository owners,
    ICrateGroupOwnerRepository groups,
    IOrganizationRepository orgs,
    IUserRepository users,
    IOwnerInvitationRepository invitations,
    CrateAccess access,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Options.IdentityOptions> identity,
    ILogger<OwnerService> logger,
    Audit.AuditLog audit)
{
    public const string GroupPrefix = "org:";

    /// <summary>The user owners only (kept for callers that predate organizations).</summary>
    public async Task<Result<IReadOnlyList<OwnerRecord>>> ListAsync(string name, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        return Result<IReadOnlyList<OwnerRecord>>.Ok(await owners.ListAsync(crate.Id, cancellationToken));
    }

    /// <summary>Users and groups owning the crate; hidden (not found) when the caller may not read a restricted crate.</summary>
    public async Task<Result<CrateOwners>> ListAllAsync(string name, Principal? caller, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, caller, cancellationToken)) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        return Result<CrateOwners>.Ok(new CrateOwners(await owners.ListAsync(crate.Id, cancellationToken), await groups.ListAsync(crate.Id, cancellationToken)));
    }

    public async Task<Result<string>> AddAsync(string name, IReadOnlyList<string> logins, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        if (logins.Count == 0) return RegistryError.BadRequest("name at least one user to add as an owner");
        var resolved = await ResolveAsync(logins, cancellationToken);
        if (resolved.Error is { } missing) return missing;
        var (userOwners, groupOwners) = resolved.Value;
        foreach (var group in groupOwners)
        {
            if (await MayAddGroupAsync(group, principal, cancellationToken) is { } denied) return denied;
        }

        var added = new List<string>();
        var invited = new List<string>();
        var pending = new List<string>();
        var now = time.GetUtcNow();
        foreach (var user in userOwners)
        {
            if (await owners.IsOwnerAsync(crate.Id, user.Id, cancellationToken)) continue;
            if (principal.IsAdmin || user.Id == principal.UserId)
            {
                if (await owners.AddAsync(crate.Id, user.Id, now, cancellationToken)) added.Add(user.Username);
                continue;
            }
            var outcome = await invitations.InviteAsync(crate.Id, user.Id, principal.UserId, now, now.AddDays(identity.Value.OwnerInvitationDays), cancellationToken);
            (outcome == InviteOutcome.Invited ? invited : pending).Add(user.Username);
        }
        foreach (var user in invited)
        {
            await audit.RecordAsync(principal, Audit.AuditActions.OwnerInvited, $"crate:{crate.Name}", new Dictionary<string, string?> { ["user"] = user }, cancellationToken);
        }
        foreach (var group in groupOwners)
        {
            var isNew = group.TeamId is { } teamId
                ? await groups.AddTeamAsync(crate.Id, teamId, now, cancellationToken)
                : await groups.AddOrgAsync(crate.Id, group.OrgId, now, cancellationToken);
            if (isNew) added.Add(group.Login);
        }
        logger.LogInformation("Owners {Owners} added to {Crate} and {Invited} invited by {User}", added, crate.Name, invited, principal.Username);
        if (added.Count > 0) await audit.RecordAsync(principal, Audit.AuditActions.OwnersAdded, $"crate:{crate.Name}", new Dictionary<string, string?> { ["owners"] = string.Join(' ', added) }, cancellationToken);
        // crates.io's wording (cargo prints it as it comes), one part per outcome, joined by commas as crates.io joins them.
        var parts = new List<string>();
        parts.AddRange(invited.Select(u => $"user {u} has been invited to be an owner of crate {crate.Name}"));
        parts.AddRange(pending.Select(u => $"user {u} already has a pending invitation to be an owner of crate {crate.Name}"));
        if (added.Count > 0) parts.Add($"user(s) {string.Join(", ", added)} are now owners of crate `{crate.Name}`");
        if (parts.Count == 0) parts.Add($"{string.Join(", ", logins)} already own{(logins.Count == 1 ? "s" : "")} `{crate.Name}`");
        return Result<string>.Ok(string.Join(",", parts));
    }

    public async Task<Result<string>> RemoveAsync(string name, IReadOnlyList<string> logins, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        var crate = owned.Value!;
        if (logins.Count == 0) return RegistryError.BadRequest("name at least one owner to remove");
        var resolved = await ResolveAsync(logins, cancellationToken);
        if (resolved.Error is { } missing) return missing;
        var (userOwners, groupOwners) = resolved.Value;
        var currentUsers = await owners.ListAsync(crate.Id, cancellationToken);
        var currentGroups = await groups.ListAsync(crate.Id, cancellationToken);
        var notOwners = userOwners.Where(u => currentUsers.All(o => o.UserId != u.Id)).Select(u => u.Username)
            .Concat(groupOwners.Where(g => currentGroups.All(c => c.Login != g.Login)).Select(g => g.Login)).ToList();
        if (notOwners.Count > 0) return RegistryError.BadRequest($"{string.Join(", ", notOwners)} {(notOwners.Count == 1 ? "is" : "are")} not an owner of `{crate.Name}`");
        // A crate with no owner could never be yanked or handed over again.
        var removingUsers = userOwners.Select(u => u.Id).ToHashSet();
        var removingGroups = groupOwners.Select(g => g.Login).ToHashSet(StringComparer.Ordinal);
        if (currentUsers.All(o => removingUsers.Contains(o.UserId)) && currentGroups.All(g => removingGroups.Contains(g.Login)))
        {
            return RegistryError.BadRequest($"cannot remove every owner of `{crate.Name}`; add the new owner first");
        }
        foreach (var id in removingUsers) await owners.RemoveAsync(crate.Id, id, time.GetUtcNow(), cancellationToken);
        foreach (var group in groupOwners)
        {
            if (group.TeamId is { } teamId) await groups.RemoveTeamAsync(crate.Id, teamId, cancellationToken);
            else await groups.RemoveOrgAsync(crate.Id, group.OrgId, cancellationToken);
        }
        logger.LogInformation("Owners {Owners} removed from {Crate} by {User}", logins, crate.Name, principal.Username);
        await audit.RecordAsync(principal, Audit.AuditActions.OwnersRemoved, $"crate:{crate.Name}", new Dictionary<string, string?> { ["owners"] = string.Join(' ', logins) }, cancellationToken);
        return Result<string>.Ok($"owners successfully removed from crate `{crate.Name}`");
    }

    /// <summary>Restricts (or opens) downloads of a crate to those with a grant on it; effective in auth-required mode.</summary>
    public async Task<Result<bool>> SetRestrictedAsync(string name, bool restricted, Principal principal, CancellationToken cancellationToken)
    {
        var owned = await access.RequireOwnedAsync(name, principal, TokenScopes.ChangeOwners, cancellationToken);
        if (owned.Error is { } error) return error;
        await groups.SetRestrictedAsync(owned.Value!.Id, restricted, cancellationToken);
        await audit.RecordAsync(principal, Audit.AuditActions.CrateAccessChanged, $"crate:{owned.Value.Name}", new Dictionary<string, string?> { ["restricted"] = restricted ? "true" : "false" }, cancellationToken);
        return Result<bool>.Ok(restricted);
    }

    public async Task<Result<bool>> IsRestrictedAsync(string name, Principal? caller, CancellationToken cancellationToken)
    {
        var crate = await crates.FindAsync(Protocol.Crates.CrateName.Canonicalize(name), cancellationToken);
        if (crate is null || !await access.CanReadAsync(crate, caller, cancellationToken)) return RegistryError.NotFound($"crate `{name}` does not exist in this registry");
        return Result<bool>.Ok(await groups.IsRestrictedAsync(crate.Id, cancellationToken));
    }

    private async Task<RegistryError?> MayAddGroupAsync(GroupOwnerRecord group, Principal principal, CancellationToken cancellationToken)
    {
        if (principal.IsAdmin) return null;
        var role = await orgs.GetRoleAsync(group.OrgId, principal.UserId, cancellationToken);
        if (group.TeamId is { } teamId)
        {
            var onTeam = (await orgs.ListTeamMembersAsync(teamId, cancellationToken)).Any(m => m.UserId == principal.UserId);
            return CratePermissions.MayAddCratesToTeam(role, onTeam)
                ? null
                : RegistryError.Forbidden($"only owners and admins of `{group.OrgName}`, and members on its team `{group.TeamName}`, may give crates to `{group.Login}`");
        }
        return CratePermissions.MayAddCratesToOrg(role)
            ? null
            : RegistryError.Forbidden($"only owners, admins and members of `{group.OrgName}` may give crates to `{group.Login}`{(role is null ? "" : $" (your role is {role.Value.ToStored()})")}");
    }

    private async Task<Result<(IReadOnlyList<UserRecord> Users, IReadOnlyList<GroupOwnerRecord> Groups)>> ResolveAsync(IReadOnlyList<string> logins, CancellationToken cancellationToken)
    {
        var found = new List<UserRecord>();
        var foundGroups = new List<GroupOwnerRecord>();
        foreach (var login in logins)
        {
            if (login.StartsWith(GroupPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var parts = login[GroupPrefix.Length..].Split(':');
                if (parts.Length is < 1 or > 2 || parts.Any(p => p.Length == 0)) return RegistryError.BadRequest($"`{login}` is not an owner name; use `org:NAME` or `org:NAME:TEAM`");
                var org = await orgs.FindAsync(OrganizationService.Canonical(parts[0]), cancellationToken);
                if (org is null) return RegistryError.NotFound($"could not find an organization named `{parts[0]}`");
                if (parts.Length == 1)
                {
                    foundGroups.Add(new GroupOwnerRecord(org.Id, org.Name, null, null));
                    continue;
                }
                var team = await orgs.FindTeamAsync(org.Id, OrganizationService.Canonical(parts[1]), cancellationToken);
                if (team is null) return RegistryError.NotFound($"organization `{org.Name}` has no team named `{parts[1]}`");
                foundGroups.Add(new GroupOwnerRecord(org.Id, org.Name, team.Id, team.Name));
                continue;
            }
            var user = await users.FindByNameAsync(login, cancellationToken);
            if (user is null) return RegistryError.NotFound($"could not find a user with login `{login}`");
            if (user.IsDisabled) return RegistryError.BadRequest($"user `{login}` is disabled and cannot own crates");
            found.Add(user);
        }
        return Result<(IReadOnlyList<UserRecord>, IReadOnlyList<GroupOwnerRecord>)>.Ok((found, foundGroups));
    }
}

public sealed record CrateOwners(IReadOnlyList<OwnerRecord> Users, IReadOnlyList<GroupOwnerRecord> Groups);
