namespace GhostCrate.Core.Organizations;

/// <summary>Port for organizations, their members, invitations and teams. Names passed in are canonical unless stated.</summary>
public interface IOrganizationRepository
{
    /// <summary>Creates the organization with <paramref name="ownerId"/> as its first owner; null when the name is taken.</summary>
    Task<OrganizationRecord?> CreateAsync(string name, string canonicalName, long ownerId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<OrganizationRecord?> FindAsync(string canonicalName, CancellationToken cancellationToken);
    Task<(IReadOnlyList<OrganizationRecord> Organizations, long Total)> ListAsync(int offset, int limit, CancellationToken cancellationToken);
    Task<IReadOnlyList<OrgMembership>> ListForUserAsync(long userId, CancellationToken cancellationToken);
    /// <summary>False when the new name is taken.</summary>
    Task<bool> RenameAsync(long orgId, string name, string canonicalName, CancellationToken cancellationToken);
    /// <summary>Deletes the organization, its teams, memberships, invitations and crate ownerships.</summary>
    Task DeleteAsync(long orgId, CancellationToken cancellationToken);

    Task<OrgRole?> GetRoleAsync(long orgId, long userId, CancellationToken cancellationToken);
    Task<IReadOnlyList<OrgMemberRecord>> ListMembersAsync(long orgId, CancellationToken cancellationToken);
    /// <summary>Writes an org.member_changed event in the same transaction when the role really changed.</summary>
    Task<bool> SetRoleAsync(long orgId, long userId, OrgRole role, DateTimeOffset now, CancellationToken cancellationToken);
    /// <summary>Removes the member and their team memberships in this organization, with an org.member_changed event.</summary>
    Task<bool> RemoveMemberAsync(long orgId, long userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Null when the user already has an open invitation to this organization.</summary>
    Task<InvitationRecord?> InviteAsync(long orgId, long userId, OrgRole role, long invitedBy, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken);
    Task<IReadOnlyList<InvitationRecord>> ListInvitationsForUserAsync(long userId, CancellationToken cancellationToken);
    Task<IReadOnlyList<InvitationRecord>> ListInvitationsForOrgAsync(long orgId, CancellationToken cancellationToken);
    Task<InvitationRecord?> FindInvitationAsync(long invitationId, CancellationToken cancellationToken);
    /// <summary>
    /// In one transaction: deletes the invitation, makes its user a member with its role and writes an
    /// org.member_changed event. False when it is gone.
    /// </summary>
    Task<bool> AcceptInvitationAsync(long invitationId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<bool> DeleteInvitationAsync(long invitationId, CancellationToken cancellationToken);

    /// <summary>Null when the organization has a team of that name.</summary>
    Task<TeamRecord?> CreateTeamAsync(long orgId, string name, string canonicalName, DateTimeOffset now, CancellationToken cancellationToken);
    Task<TeamRecord?> FindTeamAsync(long orgId, string canonicalName, CancellationToken cancellationToken);
    Task<IReadOnlyList<TeamRecord>> ListTeamsAsync(long orgId, CancellationToken cancellationToken);
    Task DeleteTeamAsync(long teamId, CancellationToken cancellationToken);
    Task<bool> AddTeamMemberAsync(long teamId, long userId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<bool> RemoveTeamMemberAsync(long teamId, long userId, CancellationToken cancellationToken);
    Task<IReadOnlyList<OrgMemberRecord>> ListTeamMembersAsync(long teamId, CancellationToken cancellationToken);
}

/// <summary>Port for crate ownership by organizations and teams, per-crate read restriction, and the grants of a user on a crate.</summary>
public interface ICrateGroupOwnerRepository
{
    Task<IReadOnlyList<GroupOwnerRecord>> ListAsync(long crateId, CancellationToken cancellationToken);
    Task<bool> AddOrgAsync(long crateId, long orgId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<bool> RemoveOrgAsync(long crateId, long orgId, CancellationToken cancellationToken);
    Task<bool> AddTeamAsync(long crateId, long teamId, DateTimeOffset now, CancellationToken cancellationToken);
    Task<bool> RemoveTeamAsync(long crateId, long teamId, CancellationToken cancellationToken);
    Task<CrateGrants> GetGrantsAsync(long crateId, long userId, CancellationToken cancellationToken);

    Task<bool> IsRestrictedAsync(long crateId, CancellationToken cancellationToken);
    Task SetRestrictedAsync(long crateId, bool restricted, CancellationToken cancellationToken);
    /// <summary>Canonical names of restricted crates the user cannot read (no grant at all): hidden from their searches.</summary>
    Task<IReadOnlyList<string>> ListHiddenRestrictedAsync(long? userId, CancellationToken cancellationToken);
}
