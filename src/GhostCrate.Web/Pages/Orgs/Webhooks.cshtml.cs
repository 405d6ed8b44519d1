using GhostCrate.Core.Notifications;

namespace GhostCrate.Web.Pages.Orgs;

/// <summary>
/// /orgs/{name}/webhooks: the organization's own endpoints, for its owners and admins (and administrators); they
/// receive only events about the organization and its crates. See <see cref="WebhooksPageModel"/>.
/// </summary>
public sealed class OrgWebhooksModel(WebhookService webhooks) : WebhooksPageModel(webhooks)
{
    public string Name => (string)RouteData.Values["name"]!;

    protected override string? Org => Name;

    protected override string Href => $"/orgs/{Uri.EscapeDataString(Name)}/webhooks";
}
