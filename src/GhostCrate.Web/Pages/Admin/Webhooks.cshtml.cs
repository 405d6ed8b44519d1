using GhostCrate.Core.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// /admin/webhooks: the registry-wide endpoints (list, add, switch on or off, delete) and, for one endpoint
/// (?id=), its delivery log with "redeliver" and "send test event". Every change goes through WebhookService (audited)
/// and answers with a redirect (POST-redirect-GET), except "add", whose answer shows the new signing secret once.
/// </summary>
public sealed class WebhooksModel(WebhookService webhooks) : AdminPageModel
{
    public IReadOnlyList<WebhookEndpoint> Endpoints { get; private set; } = [];
    public WebhookEndpoint? Selected { get; private set; }
    public IReadOnlyList<WebhookDelivery> Deliveries { get; private set; } = [];

    /// <summary>The secret of an endpoint just added (shown in this answer only).</summary>
    public string? NewSecret { get; private set; }

    [BindProperty] public EndpointForm NewEndpoint { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(long? id, string? done, CancellationToken cancellationToken)
    {
        StatusMessage = done switch
        {
            "tested" => "A webhook.test event is on its way.",
            "redelivered" => "The delivery is queued again, with the same webhook-id.",
            "enabled" => "The endpoint is on.",
            "disabled" => "The endpoint is off: nothing is sent to it until it is switched on again.",
            "deleted" => "The endpoint and its delivery log were deleted.",
            _ => null,
        };
        return await LoadAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var result = await webhooks.CreateAsync(Caller, new WebhookEndpointRequest(
            NewEndpoint.Url?.Trim(), NewEndpoint.Description, Split(NewEndpoint.Events), Split(NewEndpoint.CratePatterns), true,
            string.IsNullOrWhiteSpace(NewEndpoint.Kind) ? null : NewEndpoint.Kind), cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(null, cancellationToken);
            return Failed(error);
        }
        NewSecret = result.Value!.Secrets[0];
        StatusMessage = $"Added endpoint {result.Value.Id}.";
        NewEndpoint = new EndpointForm();
        return await LoadAsync(result.Value.Id, cancellationToken);
    }

    public Task<IActionResult> OnPostTestAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, "tested", async () => (await webhooks.SendTestAsync(Caller, id, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostRedeliverAsync(long id, long deliveryId, CancellationToken cancellationToken) =>
        ActAsync(id, "redelivered", async () => (await webhooks.RedeliverAsync(Caller, id, deliveryId, cancellationToken)).Error, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(long id, bool enabled, CancellationToken cancellationToken) =>
        ActAsync(id, enabled ? "enabled" : "disabled",
            async () => (await webhooks.UpdateAsync(Caller, id, new WebhookEndpointRequest(null, null, null, null, enabled), cancellationToken)).Error, cancellationToken);

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken cancellationToken)
    {
        var result = await webhooks.DeleteAsync(Caller, id, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(null, cancellationToken);
            return Failed(error);
        }
        return Redirect("/admin/webhooks?done=deleted");
    }

    private async Task<IActionResult> ActAsync(long id, string done, Func<Task<Core.Abstractions.RegistryError?>> action, CancellationToken cancellationToken)
    {
        if (await action() is { } error)
        {
            await LoadAsync(id, cancellationToken);
            return Failed(error);
        }
        return Redirect($"/admin/webhooks?id={id}&done={done}");
    }

    private async Task<IActionResult> LoadAsync(long? id, CancellationToken cancellationToken)
    {
        var list = await webhooks.ListAsync(Caller, cancellationToken);
        if (list.Error is { } error) return Failed(error);
        Endpoints = list.Value!;
        if (id is { } selected)
        {
            Selected = Endpoints.FirstOrDefault(e => e.Id == selected);
            if (Selected is not null)
                Deliveries = (await webhooks.DeliveriesAsync(Caller, selected, 50, cancellationToken)).Value ?? [];
        }
        return Page();
    }

    private static List<string>? Split(string? values) =>
        string.IsNullOrWhiteSpace(values) ? null : values.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    public sealed class EndpointForm
    {
        public string? Url { get; set; }
        public string? Kind { get; set; }
        public string? Description { get; set; }
        public string? Events { get; set; }
        public string? CratePatterns { get; set; }
    }
}
