using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages;

/// <summary>
/// The webhook pages: /admin/webhooks (registry-wide endpoints) and /orgs/{name}/webhooks (an organization's). Lists
/// the endpoints, adds one (the answer shows its signing secret once), switches one off or on, deletes it, and for one
/// endpoint (?id=) shows its delivery log with "redeliver" and "send test event". Every change goes through
/// WebhookService (which checks the caller and audits) and answers with a redirect (POST-redirect-GET), except "add".
/// </summary>
public abstract class WebhooksPageModel(WebhookService webhooks) : SignedInPageModel
{
    /// <summary>The organization whose endpoints these are; null for the registry-wide ones.</summary>
    protected abstract string? Org { get; }

    /// <summary>The page's own path, for links and redirects.</summary>
    protected abstract string Href { get; }

    /// <summary>The caller may not manage these endpoints: the page shows only why.</summary>
    public bool Denied { get; private set; }

    public IReadOnlyList<WebhookEndpoint> Endpoints { get; private set; } = [];
    public WebhookEndpoint? Selected { get; private set; }
    public IReadOnlyList<WebhookDelivery> Deliveries { get; private set; } = [];

    /// <summary>The secret of an endpoint just added (shown in this answer only).</summary>
    public string? NewSecret { get; private set; }

    [BindProperty] public WebhookEndpointForm NewEndpoint { get; set; } = new();

    public WebhooksView View => new(Href, Endpoints, Selected, Deliveries, NewSecret, NewEndpoint);

    public async Task<IActionResult> OnGetAsync(long? id, string? done, CancellationToken cancellationToken)
    {
        StatusMessage = WebhooksView.DoneMessage(done);
        return await LoadAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var result = await webhooks.CreateAsync(Caller, Org, NewEndpoint.ToRequest(), cancellationToken);
        if (result.Error is { } error) return await FailedAsync(null, error, cancellationToken);
        NewSecret = result.Value!.Secrets[0];
        StatusMessage = $"Added endpoint {result.Value.Id}.";
        NewEndpoint = new WebhookEndpointForm();
        return await LoadAsync(result.Value.Id, cancellationToken);
    }

    public Task<IActionResult> OnPostTestAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, "tested", async () => (await webhooks.SendTestAsync(Caller, Org, id, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostRedeliverAsync(long id, long deliveryId, CancellationToken cancellationToken) =>
        ActAsync(id, "redelivered", async () => (await webhooks.RedeliverAsync(Caller, Org, id, deliveryId, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(long id, bool enabled, CancellationToken cancellationToken) =>
        ActAsync(id, enabled ? "enabled" : "disabled",
            async () => (await webhooks.UpdateAsync(Caller, Org, id, new WebhookEndpointRequest(null, null, null, null, enabled), cancellationToken)).Error, cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken cancellationToken)
    {
        var result = await webhooks.DeleteAsync(Caller, Org, id, cancellationToken);
        if (result.Error is { } error) return await FailedAsync(null, error, cancellationToken);
        return Redirect($"{Href}?done=deleted");
    }

    private async Task<IActionResult> ActAsync(long id, string done, Func<Task<RegistryError?>> action, CancellationToken cancellationToken)
    {
        if (await action() is { } error) return await FailedAsync(id, error, cancellationToken);
        return Redirect($"{Href}?id={id}&done={done}");
    }

    /// <summary>Shows the error on the page, or only the error when the caller may not see the page at all.</summary>
    private async Task<IActionResult> FailedAsync(long? id, RegistryError error, CancellationToken cancellationToken)
    {
        var page = await LoadAsync(id, cancellationToken);
        return Denied ? page : Failed(error);
    }

    private async Task<IActionResult> LoadAsync(long? id, CancellationToken cancellationToken)
    {
        var list = await webhooks.ListAsync(Caller, Org, cancellationToken);
        if (list.Error is { } error)
        {
            Denied = true;
            return Failed(error);
        }
        Endpoints = list.Value!;
        if (id is { } selected)
        {
            Selected = Endpoints.FirstOrDefault(e => e.Id == selected);
            if (Selected is not null)
                Deliveries = (await webhooks.DeliveriesAsync(Caller, Org, selected, 50, cancellationToken)).Value ?? [];
        }
        return Page();
    }
}
