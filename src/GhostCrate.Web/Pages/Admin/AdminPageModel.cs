namespace GhostCrate.Web.Pages.Admin;

/// <summary>Administrator pages: signed in and admin, or 403.</summary>
public abstract class AdminPageModel : SignedInPageModel
{
    protected override bool RequireAdmin => true;
}
