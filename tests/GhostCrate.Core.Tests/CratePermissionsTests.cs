using GhostCrate.Core.Organizations;

namespace GhostCrate.Core.Tests;

/// <summary>The crate table of docs/permissions.md, cell by cell.</summary>
public class CratePermissionsTests
{
    [Theory]
    //          role          publish-update yank  change-owners read
    [InlineData(OrgRole.Owner, true, true, true, true)]
    [InlineData(OrgRole.Admin, true, true, true, true)]
    [InlineData(OrgRole.Member, true, true, false, true)]
    [InlineData(OrgRole.Contributor, true, false, false, true)]
    public void Organization_roles_on_an_organization_owned_crate(OrgRole role, bool update, bool yank, bool owners, bool read)
    {
        var grants = new CrateGrants(false, [role], []);
        Assert.Equal(update, CratePermissions.Allows(grants, CrateAction.PublishUpdate, false));
        Assert.Equal(yank, CratePermissions.Allows(grants, CrateAction.Yank, false));
        Assert.Equal(owners, CratePermissions.Allows(grants, CrateAction.ChangeOwners, false));
        Assert.Equal(read, CratePermissions.Allows(grants, CrateAction.Read, false));
    }

    [Theory]
    [InlineData(OrgRole.Owner, false, true)]
    [InlineData(OrgRole.Admin, false, true)]
    [InlineData(OrgRole.Member, true, true)]
    [InlineData(OrgRole.Member, false, false)]
    [InlineData(OrgRole.Contributor, true, false)]
    public void Team_owned_crates_need_the_team_except_for_owners_and_admins(OrgRole role, bool onTeam, bool mayYank) =>
        Assert.Equal(mayYank, CratePermissions.Allows(new CrateGrants(false, [], [new TeamGrant(role, onTeam)]), CrateAction.Yank, false));

    [Fact]
    public void Direct_owners_and_site_admins_may_do_everything_and_strangers_nothing()
    {
        foreach (var action in Enum.GetValues<CrateAction>())
        {
            Assert.True(CratePermissions.Allows(new CrateGrants(true, [], []), action, false));
            Assert.True(CratePermissions.Allows(CrateGrants.None, action, true));
            Assert.False(CratePermissions.Allows(CrateGrants.None, action, false));
        }
    }

    [Fact]
    public void Grants_add_up()
    {
        var grants = new CrateGrants(false, [OrgRole.Contributor, OrgRole.Member], []);
        Assert.True(CratePermissions.Allows(grants, CrateAction.Yank, false));
    }

    [Theory]
    [InlineData(OrgRole.Owner, true)]
    [InlineData(OrgRole.Admin, true)]
    [InlineData(OrgRole.Member, true)]
    [InlineData(OrgRole.Contributor, false)]
    [InlineData(null, false)]
    public void Who_may_give_crates_to_an_organization(OrgRole? role, bool allowed) =>
        Assert.Equal(allowed, CratePermissions.MayAddCratesToOrg(role));
}
