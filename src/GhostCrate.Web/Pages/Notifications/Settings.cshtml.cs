using GhostCrate.Core.Notifications.Email;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Notifications;

/// <summary>/me/notifications: which emails the signed-in user gets (a checkbox per topic), saved with POST-redirect-GET.</summary>
public sealed class SettingsModel(EmailPreferenceService preferences, Core.Following.FollowService follows) : SignedInPageModel
{
    public EmailSettings? Settings { get; private set; }

    /// <summary>The crates and organizations the user follows, each with an Unfollow button.</summary>
    public Core.Following.FollowList? Following { get; private set; }

    /// <summary>The topics ticked in the form; a topic missing from it is off.</summary>
    [BindProperty] public List<string> Topics { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        if (done == "saved") StatusMessage = "Your email choices were saved.";
        return await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var choices = EmailTopics.For(Caller.IsAdmin).ToDictionary(t => t.Name, t => Topics.Contains(t.Name, StringComparer.Ordinal), StringComparer.Ordinal);
        var result = await preferences.SetAsync(Caller, choices, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        return Redirect("/me/notifications?done=saved");
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await preferences.GetAsync(Caller, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        Settings = result.Value;
        Following = (await follows.ListAsync(Caller, cancellationToken)).Value;
        return Page();
    }
}
