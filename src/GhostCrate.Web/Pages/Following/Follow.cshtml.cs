using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Following;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Following;

/// <summary>
/// POST /me/following: the Follow / Unfollow buttons of the crate page, the organization page and /me/notifications
/// (which lists what one follows). Answers with a redirect back to the page the button was on (local addresses only).
/// </summary>
public sealed class FollowModel(FollowService follows) : SignedInPageModel
{
    public IActionResult OnGet() => Redirect("/me/notifications#following");

    public async Task<IActionResult> OnPostAsync(string kind, string name, string action, string? returnUrl, CancellationToken cancellationToken)
    {
        var follow = action == "follow";
        Result<FollowList> result = (kind, follow) switch
        {
            ("crate", true) => await follows.FollowCrateAsync(Caller, name ?? "", cancellationToken),
            ("crate", false) => await follows.UnfollowCrateAsync(Caller, name ?? "", cancellationToken),
            ("org", true) => await follows.FollowOrgAsync(Caller, name ?? "", cancellationToken),
            ("org", false) => await follows.UnfollowOrgAsync(Caller, name ?? "", cancellationToken),
            _ => RegistryError.BadRequest("kind must be crate or org"),
        };
        if (result.Error is { } error) return Failed(error);
        return Redirect(returnUrl is { Length: > 0 } back && Url.IsLocalUrl(back) ? back : "/me/notifications#following");
    }
}
