namespace GhostCrate.Core.Organizations;

/// <summary>Roles inside an organization, strongest first. The permission matrix is in docs/permissions.md.</summary>
public enum OrgRole
{
    Owner,
    Admin,
    Member,
    Contributor,
}

public static class OrgRoles
{
    public static string ToStored(this OrgRole role) => role switch
    {
        OrgRole.Owner => "owner",
        OrgRole.Admin => "admin",
        OrgRole.Member => "member",
        OrgRole.Contributor => "contributor",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static OrgRole FromStored(string value) => TryParse(value, out var role) ? role : throw new ArgumentException($"unknown organization role `{value}`", nameof(value));

    public static bool TryParse(string? value, out OrgRole role)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "owner": role = OrgRole.Owner; return true;
            case "admin": role = OrgRole.Admin; return true;
            case "member": role = OrgRole.Member; return true;
            case "contributor": role = OrgRole.Contributor; return true;
            default: role = default; return false;
        }
    }

    /// <summary>Owners and admins manage members, teams and invitations.</summary>
    public static bool ManagesMembers(this OrgRole role) => role is OrgRole.Owner or OrgRole.Admin;
}

public sealed record OrganizationRecord(long Id, string Name, string CanonicalName, DateTimeOffset CreatedAt);

public sealed record OrgMembership(OrganizationRecord Organization, OrgRole Role);

public sealed record OrgMemberRecord(long UserId, string Username, OrgRole Role, DateTimeOffset CreatedAt);

public sealed record TeamRecord(long Id, long OrgId, string Name, string CanonicalName, DateTimeOffset CreatedAt);

public sealed record InvitationRecord(
    long Id,
    long OrgId,
    string OrgName,
    long UserId,
    string Username,
    OrgRole Role,
    string? InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>An organization or team that owns a crate, as `cargo owner --list` shows it: `org:acme` or `org:acme:team`.</summary>
public sealed record GroupOwnerRecord(long OrgId, string OrgName, long? TeamId, string? TeamName)
{
    public string Login => TeamName is null ? $"org:{OrgName}" : $"org:{OrgName}:{TeamName}";
}

/// <summary>
/// Every way a user is tied to one crate: direct ownership, roles in organizations owning it, and roles in
/// organizations whose teams own it (with whether the user is on that team). Evaluated by <see cref="CratePermissions"/>.
/// </summary>
public sealed record CrateGrants(bool DirectOwner, IReadOnlyList<OrgRole> OrgRoles, IReadOnlyList<TeamGrant> TeamGrants)
{
    public static CrateGrants None { get; } = new(false, [], []);

    public bool Any => DirectOwner || OrgRoles.Count > 0 || TeamGrants.Any(t => t.OnTeam || t.Role.ManagesMembers());
}

public sealed record TeamGrant(OrgRole Role, bool OnTeam);
