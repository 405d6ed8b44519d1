using GhostCrate.Core.Notifications.Email;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Notifications;

/// <summary>
/// /unsubscribe?token=...: the link in every email. GET only shows what the link will turn off and a button (link
/// checkers and mail scanners follow GETs, so a GET must change nothing); POST turns it off. Mail programs that offer
/// one-click unsubscribe POST "List-Unsubscribe=One-Click" to the same URL without cookies (RFC 8058 section 3.1),
/// so POST takes no antiforgery token: the signed token in the URL is what authorises it.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(EmailPreferenceService preferences) : UiPageModel
{
    public string? Username { get; private set; }
    public EmailTopic? Topic { get; private set; }
    public bool Done { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await preferences.InspectAsync(token ?? "", cancellationToken) is { } found)
        {
            (Username, Topic) = (found.User.Username, found.Topic);
            return Page();
        }
        return Invalid();
    }

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var result = await preferences.UnsubscribeAsync(token ?? "", cancellationToken);
        if (result.Error is not null) return Invalid();
        Topic = result.Value;
        Done = true;
        return Page();
    }

    private IActionResult Invalid()
    {
        Error = "This unsubscribe link is not valid. It may have been cut short when it was copied; sign in and choose your emails on your account page instead.";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
