using GhostCrate.Core.Catalog;
using GhostCrate.Core.Organizations;
using GhostCrate.Core.Search;
using GhostCrate.Web.Pages.Browse;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Orgs;

/// <summary>
/// /orgs/{name}/crates: what anyone may see of an organization (issue 23): its name and the crates it owns, itself or
/// through a team (restricted ones only for those with a grant). Members and teams stay on /orgs/{name}, for members.
/// </summary>
public sealed class OrgPublicModel(OrganizationService organizations, CatalogService catalog, Core.Following.FollowService follows) : CrateListPageModel(catalog)
{
    public OrganizationRecord Org { get; private set; } = null!;

    /// <summary>The viewer's role, when they are a member (a link to the members' page).</summary>
    public OrgRole? Role { get; private set; }

    /// <summary>Whether the signed-in viewer follows the organization (the Follow / Unfollow button); null for anonymous viewers.</summary>
    public bool? Following { get; private set; }

    protected override string Path => Href(Org.Name);

    public static string Href(string name) => $"/orgs/{Uri.EscapeDataString(name)}/crates";

    public async Task<IActionResult> OnGetAsync(string name, [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        if (await organizations.FindPublicAsync(name, cancellationToken) is not { } org) return NotFound();
        Org = org;
        Role = await organizations.RoleOfAsync(org.Id, Viewer, cancellationToken);
        if (Viewer is { } signedIn) Following = await follows.FollowsOrgAsync(signedIn, org.Name, cancellationToken);
        await ListAsync(SearchQuery.Parse(null, organization: OrganizationService.Canonical(org.Name)), pageNumber, cancellationToken);
        return Page();
    }
}
