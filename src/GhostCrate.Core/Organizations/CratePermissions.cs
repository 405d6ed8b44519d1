namespace GhostCrate.Core.Organizations;

public enum CrateAction
{
    /// <summary>Download and see a restricted crate (auth-required mode).</summary>
    Read,
    PublishUpdate,
    Yank,
    ChangeOwners,
}

/// <summary>
/// The permission matrix of docs/permissions.md, in one place. Keep the two in step: the matrix test in
/// tests/GhostCrate.Web.Tests reads like the document.
/// </summary>
public static class CratePermissions
{
    public static bool Allows(CrateGrants grants, CrateAction action, bool isAdmin)
    {
        if (isAdmin || grants.DirectOwner) return true;
        foreach (var role in grants.OrgRoles)
        {
            if (RoleAllows(role, action)) return true;
        }
        foreach (var team in grants.TeamGrants)
        {
            // Organization owners and admins act on every crate of the organization's teams; other members only
            // through the teams they are on, and then with their own role's rights.
            if (team.Role.ManagesMembers() || (team.OnTeam && RoleAllows(team.Role, action))) return true;
        }
        return false;
    }

    /// <summary>What a role allows on a crate owned by the organization (or by a team the member is on).</summary>
    public static bool RoleAllows(OrgRole role, CrateAction action) => action switch
    {
        CrateAction.Read or CrateAction.PublishUpdate => true,
        CrateAction.Yank => role is OrgRole.Owner or OrgRole.Admin or OrgRole.Member,
        CrateAction.ChangeOwners => role is OrgRole.Owner or OrgRole.Admin,
        _ => false,
    };

    /// <summary>
    /// Who may hand a crate to the organization (`cargo owner --add org:acme`), i.e. "publish a new crate under the
    /// organization": owners, admins and members, not contributors. For a team: owners and admins of the
    /// organization, and members who are on that team.
    /// </summary>
    public static bool MayAddCratesToOrg(OrgRole? role) => role is OrgRole.Owner or OrgRole.Admin or OrgRole.Member;

    public static bool MayAddCratesToTeam(OrgRole? role, bool onTeam) =>
        role is OrgRole.Owner or OrgRole.Admin || (role is OrgRole.Member && onTeam);

    public static string Describe(CrateAction action) => action switch
    {
        CrateAction.Read => "read",
        CrateAction.PublishUpdate => "publish new versions of",
        CrateAction.Yank => "yank or unyank versions of",
        CrateAction.ChangeOwners => "change the owners of",
        _ => action.ToString(),
    };
}
