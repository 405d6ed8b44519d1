using GhostCrate.Core.Notifications;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>/admin/webhooks: the registry-wide endpoints (administrators); see <see cref="WebhooksPageModel"/>.</summary>
public sealed class WebhooksModel(WebhookService webhooks) : WebhooksPageModel(webhooks)
{
    protected override bool RequireAdmin => true;

    protected override string? Org => null;

    protected override string Href => "/admin/webhooks";
}
