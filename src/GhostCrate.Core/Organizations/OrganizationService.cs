using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Organizations;

/// <summary>
/// Organizations, members (roles Owner, Admin, Member, Contributor), invitations that the invitee must accept, and
/// teams. Who may do what is docs/permissions.md; site administrators may do everything an organization owner may.
/// </summary>
public sealed class OrganizationService(
    IOrganizationRepository orgs,
    IUserRepository users,
    AuditLog audit,
    TimeProvider time,
    ILogger<OrganizationService> logger)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(14);

    public static string? ValidateName(string name, string what)
    {
        if (name.Length is 0 or > 39) return $"{what} names must be 1 to 39 characters long";
        if (!char.IsAsciiLetterOrDigit(name[0])) return $"{what} names must start with an ASCII letter or digit";
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return $"{what} names may only contain ASCII letters, digits, '-' and '_' (found '{c}')";
        }
        return null;
    }

    public static string Canonical(string name) => name.Trim().ToLowerInvariant();

    public async Task<Result<OrganizationRecord>> CreateAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAccountManagement(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        name = name.Trim();
        if (ValidateName(name, "organization") is { } invalid) return RegistryError.BadRequest($"invalid organization name `{name}`: {invalid}");
        var org = await orgs.CreateAsync(name, Canonical(name), caller.UserId, time.GetUtcNow(), cancellationToken);
        if (org is null) return RegistryError.Conflict($"an organization named `{name}` already exists");
        await audit.RecordAsync(caller, AuditActions.OrgCreated, $"org:{org.Name}", cancellationToken);
        logger.LogInformation("Organization {Org} created by {User}", org.Name, caller.Username);
        return Result<OrganizationRecord>.Ok(org);
    }

    /// <summary>The organization and the caller's role in it (null for site admins who are not members).</summary>
    public async Task<Result<(OrganizationRecord Org, OrgRole? Role)>> GetAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        var org = await orgs.FindAsync(Canonical(name), cancellationToken);
        if (org is null) return RegistryError.NotFound($"organization `{name}` does not exist");
        var role = await orgs.GetRoleAsync(org.Id, caller.UserId, cancellationToken);
        // Non-members learn nothing about an organization beyond its existence being hidden.
        if (role is null && !caller.IsAdmin) return RegistryError.NotFound($"organization `{name}` does not exist");
        return Result<(OrganizationRecord, OrgRole?)>.Ok((org, role));
    }

    /// <summary>
    /// The organization as anyone may see it (issue 23: its public page lists its crates): its name and age, never its
    /// members. Null when there is none. In auth-required mode the pages ask for a session before this is reached.
    /// </summary>
    public Task<OrganizationRecord?> FindPublicAsync(string name, CancellationToken cancellationToken) =>
        orgs.FindAsync(Canonical(name), cancellationToken);

    /// <summary>The caller's role in the organization, or null (not a member, or anonymous).</summary>
    public async Task<OrgRole?> RoleOfAsync(long orgId, Principal? caller, CancellationToken cancellationToken) =>
        caller is null ? null : await orgs.GetRoleAsync(orgId, caller.UserId, cancellationToken);

    public Task<IReadOnlyList<OrgMembership>> ListMineAsync(Principal caller, CancellationToken cancellationToken) =>
        orgs.ListForUserAsync(caller.UserId, cancellationToken);

    public async Task<Result<(IReadOnlyList<OrganizationRecord> Organizations, long Total)>> ListAllAsync(Principal caller, int page, int perPage, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        perPage = Math.Clamp(perPage, 1, 500);
        return Result<(IReadOnlyList<OrganizationRecord>, long)>.Ok(await orgs.ListAsync((Math.Max(page, 1) - 1) * perPage, perPage, cancellationToken));
    }

    public async Task<Result<IReadOnlyList<OrgMemberRecord>>> ListMembersAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        var found = await GetAsync(caller, name, cancellationToken);
        if (found.Error is { } error) return error;
        return Result<IReadOnlyList<OrgMemberRecord>>.Ok(await orgs.ListMembersAsync(found.Value.Org.Id, cancellationToken));
    }

    public async Task<Result<OrganizationRecord>> RenameAsync(Principal caller, string name, string newName, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Owner, "rename the organization", cancellationToken);
        if (found.Error is { } error) return error;
        var org = found.Value!;
        newName = newName.Trim();
        if (ValidateName(newName, "organization") is { } invalid) return RegistryError.BadRequest($"invalid organization name `{newName}`: {invalid}");
        if (!await orgs.RenameAsync(org.Id, newName, Canonical(newName), cancellationToken)) return RegistryError.Conflict($"an organization named `{newName}` already exists");
        await audit.RecordAsync(caller, AuditActions.OrgRenamed, $"org:{newName}", Details(("from", org.Name)), cancellationToken);
        return Result<OrganizationRecord>.Ok(org with { Name = newName, CanonicalName = Canonical(newName) });
    }

    /// <summary>Deleting an organization removes its crate ownerships; crates it owned keep their user owners.</summary>
    public async Task<Result<bool>> DeleteAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Owner, "delete the organization", cancellationToken);
        if (found.Error is { } error) return error;
        await orgs.DeleteAsync(found.Value!.Id, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.OrgDeleted, $"org:{found.Value.Name}", cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<InvitationRecord>> InviteAsync(Principal caller, string name, string username, OrgRole role, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Admin, "invite members", cancellationToken);
        if (found.Error is { } error) return error;
        var org = found.Value!;
        if (role == OrgRole.Owner && !await IsOwnerOrSiteAdminAsync(caller, org, cancellationToken)) return RegistryError.Forbidden("only owners of the organization may invite owners");
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return RegistryError.NotFound($"user `{username}` does not exist");
        if (user.IsDisabled) return RegistryError.BadRequest($"user `{user.Username}` is disabled");
        if (await orgs.GetRoleAsync(org.Id, user.Id, cancellationToken) is not null) return RegistryError.Conflict($"`{user.Username}` is already a member of `{org.Name}`");
        var now = time.GetUtcNow();
        var invitation = await orgs.InviteAsync(org.Id, user.Id, role, caller.UserId, now, now + InvitationLifetime, cancellationToken);
        if (invitation is null) return RegistryError.Conflict($"`{user.Username}` already has an open invitation to `{org.Name}`");
        await audit.RecordAsync(caller, AuditActions.OrgInvited, $"org:{org.Name}", Details(("user", user.Username), ("role", role.ToStored())), cancellationToken);
        return Result<InvitationRecord>.Ok(invitation);
    }

    public Task<IReadOnlyList<InvitationRecord>> ListMyInvitationsAsync(Principal caller, CancellationToken cancellationToken) =>
        orgs.ListInvitationsForUserAsync(caller.UserId, cancellationToken);

    public async Task<Result<IReadOnlyList<InvitationRecord>>> ListInvitationsAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Admin, "see invitations", cancellationToken);
        if (found.Error is { } error) return error;
        return Result<IReadOnlyList<InvitationRecord>>.Ok(await orgs.ListInvitationsForOrgAsync(found.Value!.Id, cancellationToken));
    }

    /// <summary>The invitee accepts (becomes a member with the invited role) or declines.</summary>
    public async Task<Result<InvitationRecord>> AnswerInvitationAsync(Principal caller, long invitationId, bool accept, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var invitation = await orgs.FindInvitationAsync(invitationId, cancellationToken);
        if (invitation is null || invitation.UserId != caller.UserId) return RegistryError.NotFound($"you have no invitation with id {invitationId}");
        if (invitation.ExpiresAt <= time.GetUtcNow())
        {
            await orgs.DeleteInvitationAsync(invitation.Id, cancellationToken);
            return RegistryError.BadRequest($"the invitation to `{invitation.OrgName}` has expired; ask for a new one");
        }
        var done = accept
            ? await orgs.AcceptInvitationAsync(invitation.Id, time.GetUtcNow(), cancellationToken)
            : await orgs.DeleteInvitationAsync(invitation.Id, cancellationToken);
        if (!done) return RegistryError.NotFound($"you have no invitation with id {invitationId}");
        await audit.RecordAsync(caller, accept ? AuditActions.OrgInvitationAccepted : AuditActions.OrgInvitationDeclined, $"org:{invitation.OrgName}", Details(("role", invitation.Role.ToStored())), cancellationToken);
        return Result<InvitationRecord>.Ok(invitation);
    }

    public async Task<Result<bool>> CancelInvitationAsync(Principal caller, string name, long invitationId, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Admin, "cancel invitations", cancellationToken);
        if (found.Error is { } error) return error;
        var invitation = await orgs.FindInvitationAsync(invitationId, cancellationToken);
        if (invitation is null || invitation.OrgId != found.Value!.Id) return RegistryError.NotFound($"`{found.Value!.Name}` has no invitation with id {invitationId}");
        await orgs.DeleteInvitationAsync(invitation.Id, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.OrgInvitationCancelled, $"org:{found.Value.Name}", Details(("user", invitation.Username)), cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<OrgMemberRecord>> SetRoleAsync(Principal caller, string name, string username, OrgRole role, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Admin, "change roles", cancellationToken);
        if (found.Error is { } error) return error;
        var org = found.Value!;
        var (member, current) = await RequireMemberAsync(org, username, cancellationToken);
        if (member is null) return RegistryError.NotFound($"`{username}` is not a member of `{org.Name}`");
        var callerIsOwner = await IsOwnerOrSiteAdminAsync(caller, org, cancellationToken);
        if ((role == OrgRole.Owner || current == OrgRole.Owner) && !callerIsOwner) return RegistryError.Forbidden("only owners of the organization may make or unmake owners");
        if (current == OrgRole.Owner && role != OrgRole.Owner && await CountOwnersAsync(org) <= 1) return RegistryError.BadRequest($"`{member.Username}` is the last owner of `{org.Name}`; make someone else an owner first");
        await orgs.SetRoleAsync(org.Id, member.Id, role, time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.OrgMemberRoleChanged, $"org:{org.Name}", Details(("user", member.Username), ("from", current!.Value.ToStored()), ("to", role.ToStored())), cancellationToken);
        return Result<OrgMemberRecord>.Ok(new OrgMemberRecord(member.Id, member.Username, role, time.GetUtcNow()));
    }

    /// <summary>Owners and admins remove members (admins not owners); anyone may leave, except the last owner.</summary>
    public async Task<Result<bool>> RemoveMemberAsync(Principal caller, string name, string username, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var org = await orgs.FindAsync(Canonical(name), cancellationToken);
        if (org is null) return RegistryError.NotFound($"organization `{name}` does not exist");
        var (member, current) = await RequireMemberAsync(org, username, cancellationToken);
        if (member is null) return RegistryError.NotFound($"`{username}` is not a member of `{org.Name}`");
        if (member.Id != caller.UserId)
        {
            var allowed = await RequireRoleAsync(caller, name, OrgRole.Admin, "remove members", cancellationToken);
            if (allowed.Error is { } error) return error;
            if (current == OrgRole.Owner && !await IsOwnerOrSiteAdminAsync(caller, org, cancellationToken)) return RegistryError.Forbidden("only owners of the organization may remove owners");
        }
        if (current == OrgRole.Owner && await CountOwnersAsync(org) <= 1) return RegistryError.BadRequest($"`{member.Username}` is the last owner of `{org.Name}`; make someone else an owner first, or delete the organization");
        await orgs.RemoveMemberAsync(org.Id, member.Id, time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.OrgMemberRemoved, $"org:{org.Name}", Details(("user", member.Username)), cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<TeamRecord>> CreateTeamAsync(Principal caller, string name, string teamName, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Admin, "create teams", cancellationToken);
        if (found.Error is { } error) return error;
        teamName = teamName.Trim();
        if (ValidateName(teamName, "team") is { } invalid) return RegistryError.BadRequest($"invalid team name `{teamName}`: {invalid}");
        var team = await orgs.CreateTeamAsync(found.Value!.Id, teamName, Canonical(teamName), time.GetUtcNow(), cancellationToken);
        if (team is null) return RegistryError.Conflict($"`{found.Value.Name}` already has a team named `{teamName}`");
        await audit.RecordAsync(caller, AuditActions.TeamCreated, $"org:{found.Value.Name}:{team.Name}", cancellationToken);
        return Result<TeamRecord>.Ok(team);
    }

    public async Task<Result<IReadOnlyList<TeamRecord>>> ListTeamsAsync(Principal caller, string name, CancellationToken cancellationToken)
    {
        var found = await GetAsync(caller, name, cancellationToken);
        if (found.Error is { } error) return error;
        return Result<IReadOnlyList<TeamRecord>>.Ok(await orgs.ListTeamsAsync(found.Value.Org.Id, cancellationToken));
    }

    public async Task<Result<IReadOnlyList<OrgMemberRecord>>> ListTeamMembersAsync(Principal caller, string name, string teamName, CancellationToken cancellationToken)
    {
        var found = await GetAsync(caller, name, cancellationToken);
        if (found.Error is { } error) return error;
        var team = await orgs.FindTeamAsync(found.Value.Org.Id, Canonical(teamName), cancellationToken);
        if (team is null) return RegistryError.NotFound($"`{found.Value.Org.Name}` has no team `{teamName}`");
        return Result<IReadOnlyList<OrgMemberRecord>>.Ok(await orgs.ListTeamMembersAsync(team.Id, cancellationToken));
    }

    public async Task<Result<bool>> DeleteTeamAsync(Principal caller, string name, string teamName, CancellationToken cancellationToken)
    {
        var team = await RequireTeamAsync(caller, name, teamName, "delete teams", cancellationToken);
        if (team.Error is { } error) return error;
        await orgs.DeleteTeamAsync(team.Value.Team.Id, cancellationToken);
        await audit.RecordAsync(caller, AuditActions.TeamDeleted, $"org:{team.Value.Org.Name}:{team.Value.Team.Name}", cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<bool>> AddTeamMemberAsync(Principal caller, string name, string teamName, string username, CancellationToken cancellationToken)
    {
        var team = await RequireTeamAsync(caller, name, teamName, "change teams", cancellationToken);
        if (team.Error is { } error) return error;
        var (org, t) = team.Value;
        var (member, _) = await RequireMemberAsync(org, username, cancellationToken);
        if (member is null) return RegistryError.BadRequest($"`{username}` must be a member of `{org.Name}` before joining one of its teams");
        var added = await orgs.AddTeamMemberAsync(t.Id, member.Id, time.GetUtcNow(), cancellationToken);
        if (added) await audit.RecordAsync(caller, AuditActions.TeamMemberAdded, $"org:{org.Name}:{t.Name}", Details(("user", member.Username)), cancellationToken);
        return Result<bool>.Ok(added);
    }

    public async Task<Result<bool>> RemoveTeamMemberAsync(Principal caller, string name, string teamName, string username, CancellationToken cancellationToken)
    {
        var team = await RequireTeamAsync(caller, name, teamName, "change teams", cancellationToken);
        if (team.Error is { } error) return error;
        var (org, t) = team.Value;
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null || !await orgs.RemoveTeamMemberAsync(t.Id, user.Id, cancellationToken)) return RegistryError.NotFound($"`{username}` is not on team `{t.Name}`");
        await audit.RecordAsync(caller, AuditActions.TeamMemberRemoved, $"org:{org.Name}:{t.Name}", Details(("user", user.Username)), cancellationToken);
        return Result<bool>.Ok(true);
    }

    private async Task<Result<(OrganizationRecord Org, TeamRecord Team)>> RequireTeamAsync(Principal caller, string name, string teamName, string what, CancellationToken cancellationToken)
    {
        var found = await RequireRoleAsync(caller, name, OrgRole.Admin, what, cancellationToken);
        if (found.Error is { } error) return error;
        var team = await orgs.FindTeamAsync(found.Value!.Id, Canonical(teamName), cancellationToken);
        if (team is null) return RegistryError.NotFound($"`{found.Value.Name}` has no team `{teamName}`");
        return Result<(OrganizationRecord, TeamRecord)>.Ok((found.Value, team));
    }

    /// <summary>
    /// The organization when the caller manages it (its owners and admins, and site administrators), as for members and
    /// teams; its webhooks use the same rule (Notifications.WebhookService).
    /// </summary>
    public Task<Result<OrganizationRecord>> RequireManagerAsync(Principal caller, string name, string what, CancellationToken cancellationToken) =>
        RequireRoleAsync(caller, name, OrgRole.Admin, what, cancellationToken);

    /// <summary>The organization when the caller has at least <paramref name="needed"/> (Owner &gt; Admin &gt; ...), or is a site admin.</summary>
    private async Task<Result<OrganizationRecord>> RequireRoleAsync(Principal caller, string name, OrgRole needed, string what, CancellationToken cancellationToken)
    {
        if ((Guards.RequireAccountManagement(caller) ?? Guards.RequireWriter(caller)) is { } denied) return denied;
        var org = await orgs.FindAsync(Canonical(name), cancellationToken);
        if (org is null) return RegistryError.NotFound($"organization `{name}` does not exist");
        if (caller.IsAdmin) return Result<OrganizationRecord>.Ok(org);
        var role = await orgs.GetRoleAsync(org.Id, caller.UserId, cancellationToken);
        if (role is null) return RegistryError.NotFound($"organization `{name}` does not exist");
        // Enum order is strongest first.
        if (role.Value > needed) return RegistryError.Forbidden($"your role in `{org.Name}` is {role.Value.ToStored()}; only {(needed == OrgRole.Owner ? "owners" : "owners and admins")} may {what}");
        return Result<OrganizationRecord>.Ok(org);
    }

    private async Task<bool> IsOwnerOrSiteAdminAsync(Principal caller, OrganizationRecord org, CancellationToken cancellationToken) =>
        caller.IsAdmin || await orgs.GetRoleAsync(org.Id, caller.UserId, cancellationToken) == OrgRole.Owner;

    private async Task<(UserRecord? User, OrgRole? Role)> RequireMemberAsync(OrganizationRecord org, string username, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(username, cancellationToken);
        if (user is null) return (null, null);
        var role = await orgs.GetRoleAsync(org.Id, user.Id, cancellationToken);
        return role is null ? (null, null) : (user, role);
    }

    private async Task<int> CountOwnersAsync(OrganizationRecord org) =>
        (await orgs.ListMembersAsync(org.Id, CancellationToken.None)).Count(m => m.Role == OrgRole.Owner);

    private static Dictionary<string, string?> Details(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
