using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Organizations;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Orgs;

/// <summary>
/// /orgs/{name}: members and roles, teams, invitations and the crates the organization owns, with the actions the
/// caller's role allows (docs/permissions.md; OrganizationService checks every one again).
/// </summary>
public sealed class OrgModel(OrganizationService organizations, CatalogService catalog) : SignedInPageModel
{
    public static readonly IReadOnlyList<OrgRole> Roles = [OrgRole.Owner, OrgRole.Admin, OrgRole.Member, OrgRole.Contributor];

    public OrganizationRecord Org { get; private set; } = null!;
    /// <summary>The caller's role; null for a site administrator who is not a member.</summary>
    public OrgRole? Role { get; private set; }
    public IReadOnlyList<OrgMemberRecord> Members { get; private set; } = [];
    public IReadOnlyList<(TeamRecord Team, IReadOnlyList<OrgMemberRecord> Members)> Teams { get; private set; } = [];
    public IReadOnlyList<InvitationRecord> Invitations { get; private set; } = [];
    public IReadOnlyList<CrateSearchHit> Crates { get; private set; } = [];

    public bool ManagesMembers => Role?.ManagesMembers() == true || CurrentUser.IsAdmin;
    public bool IsOwner => Role == OrgRole.Owner || CurrentUser.IsAdmin;

    /// <summary>
    /// Anonymous visitors (where pages are public) see the organization's public page instead of a login form: the
    /// crates it owns, not its members (issue 23).
    /// </summary>
    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (HttpMethods.IsGet(Request.Method) && HttpContext.SessionUser() is null && RouteData.Values["name"] is string name)
        {
            context.Result = Redirect(OrgPublicModel.Href(name));
            return;
        }
        await base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync(string name, string? done, CancellationToken cancellationToken)
    {
        StatusMessage = done switch
        {
            "created" => "Organization created. Invite people and give it crates with cargo owner --add org:" + name + " CRATE.",
            "joined" => "Welcome: you are now a member.",
            "renamed" => "Organization renamed.",
            _ => null,
        };
        return await LoadAsync(name, cancellationToken) ?? Page();
    }

    public Task<IActionResult> OnPostInviteAsync(string name, string? username, string? role, CancellationToken cancellationToken) =>
        ActAsync(name, async () => OrgRoles.TryParse(role, out var parsed)
            ? (await organizations.InviteAsync(Caller, name, (username ?? "").Trim(), parsed, cancellationToken)).Error
            : RegistryError.BadRequest("choose a role"), $"Invited {username}.", cancellationToken);

    public Task<IActionResult> OnPostCancelInvitationAsync(string name, long id, CancellationToken cancellationToken) =>
        ActAsync(name, async () => (await organizations.CancelInvitationAsync(Caller, name, id, cancellationToken)).Error, "Invitation cancelled.", cancellationToken);

    public Task<IActionResult> OnPostSetRoleAsync(string name, string username, string? role, CancellationToken cancellationToken) =>
        ActAsync(name, async () => OrgRoles.TryParse(role, out var parsed)
            ? (await organizations.SetRoleAsync(Caller, name, username, parsed, cancellationToken)).Error
            : RegistryError.BadRequest("choose a role"), $"{username} is now {role}.", cancellationToken);

    public async Task<IActionResult> OnPostRemoveMemberAsync(string name, string username, CancellationToken cancellationToken)
    {
        var leaving = string.Equals(username, CurrentUser.Username, StringComparison.OrdinalIgnoreCase);
        var result = await organizations.RemoveMemberAsync(Caller, name, username, cancellationToken);
        if (result.Error is { } error) return await ShowAsync(name, error, cancellationToken);
        if (leaving) return Redirect("/orgs?done=left");
        return await ShowAsync(name, $"{username} was removed.", cancellationToken);
    }

    public Task<IActionResult> OnPostCreateTeamAsync(string name, string? team, CancellationToken cancellationToken) =>
        ActAsync(name, async () => (await organizations.CreateTeamAsync(Caller, name, (team ?? "").Trim(), cancellationToken)).Error, $"Team {team} created.", cancellationToken);

    public Task<IActionResult> OnPostDeleteTeamAsync(string name, string team, CancellationToken cancellationToken) =>
        ActAsync(name, async () => (await organizations.DeleteTeamAsync(Caller, name, team, cancellationToken)).Error, $"Team {team} deleted.", cancellationToken);

    public Task<IActionResult> OnPostAddTeamMemberAsync(string name, string team, string? username, CancellationToken cancellationToken) =>
        ActAsync(name, async () => (await organizations.AddTeamMemberAsync(Caller, name, team, (username ?? "").Trim(), cancellationToken)).Error, $"{username} joined {team}.", cancellationToken);

    public Task<IActionResult> OnPostRemoveTeamMemberAsync(string name, string team, string username, CancellationToken cancellationToken) =>
        ActAsync(name, async () => (await organizations.RemoveTeamMemberAsync(Caller, name, team, username, cancellationToken)).Error, $"{username} left {team}.", cancellationToken);

    public async Task<IActionResult> OnPostRenameAsync(string name, string? newName, CancellationToken cancellationToken)
    {
        var result = await organizations.RenameAsync(Caller, name, (newName ?? "").Trim(), cancellationToken);
        if (result.Error is { } error) return await ShowAsync(name, error, cancellationToken);
        return Redirect($"/orgs/{Uri.EscapeDataString(result.Value!.Name)}?done=renamed");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name, CancellationToken cancellationToken)
    {
        var result = await organizations.DeleteAsync(Caller, name, cancellationToken);
        if (result.Error is { } error) return await ShowAsync(name, error, cancellationToken);
        return Redirect("/orgs?done=deleted");
    }

    private async Task<IActionResult> ActAsync(string name, Func<Task<RegistryError?>> action, string success, CancellationToken cancellationToken)
    {
        var error = await action();
        return error is null ? await ShowAsync(name, success, cancellationToken) : await ShowAsync(name, error, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(string name, string message, CancellationToken cancellationToken)
    {
        StatusMessage = message;
        return await LoadAsync(name, cancellationToken) ?? Page();
    }

    private async Task<IActionResult> ShowAsync(string name, RegistryError error, CancellationToken cancellationToken)
    {
        var missing = await LoadAsync(name, cancellationToken);
        return missing ?? Failed(error);
    }

    /// <summary>Fills the page; a NotFound result when the organization does not exist for the caller.</summary>
    private async Task<IActionResult?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var found = await organizations.GetAsync(Caller, name, cancellationToken);
        // A signed-in non-member sees what everyone may: the public page (which answers 404 for no such organization).
        if (found.Error is not null) return HttpMethods.IsGet(Request.Method) ? Redirect(OrgPublicModel.Href(name)) : NotFound();
        (Org, Role) = found.Value;
        Members = (await organizations.ListMembersAsync(Caller, Org.Name, cancellationToken)).Value ?? [];
        var teams = (await organizations.ListTeamsAsync(Caller, Org.Name, cancellationToken)).Value ?? [];
        var withMembers = new List<(TeamRecord, IReadOnlyList<OrgMemberRecord>)>();
        foreach (var team in teams)
        {
            withMembers.Add((team, (await organizations.ListTeamMembersAsync(Caller, Org.Name, team.Name, cancellationToken)).Value ?? []));
        }
        Teams = withMembers;
        Invitations = ManagesMembers ? (await organizations.ListInvitationsAsync(Caller, Org.Name, cancellationToken)).Value ?? [] : [];
        Crates = await catalog.OwnedByOrganizationAsync(Org.Id, Caller, cancellationToken);
        return null;
    }
}
