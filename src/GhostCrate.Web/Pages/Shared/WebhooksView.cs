using GhostCrate.Core.Notifications;

namespace GhostCrate.Web.Pages;

/// <summary>
/// What the shared webhook section (_Webhooks.cshtml) shows on /admin/webhooks (registry-wide endpoints) and
/// /orgs/{name}/webhooks (one organization's): the endpoints, one selected endpoint's delivery log, and the secret of
/// an endpoint just added (shown in that answer only). <paramref name="Href"/> is the page's own path.
/// </summary>
public sealed record WebhooksView(
    string Href,
    IReadOnlyList<WebhookEndpoint> Endpoints,
    WebhookEndpoint? Selected,
    IReadOnlyList<WebhookDelivery> Deliveries,
    string? NewSecret,
    WebhookEndpointForm NewEndpoint)
{
    /// <summary>The line shown after a redirect (POST-redirect-GET) says what the action did.</summary>
    public static string? DoneMessage(string? done) => done switch
    {
        "tested" => "A webhook.test event is on its way.",
        "redelivered" => "The delivery is queued again, with the same webhook-id.",
        "enabled" => "The endpoint is on.",
        "disabled" => "The endpoint is off: nothing is sent to it until it is switched on again.",
        "deleted" => "The endpoint and its delivery log were deleted.",
        _ => null,
    };
}

/// <summary>The "add an endpoint" form; lists are comma-, space- or line-separated.</summary>
public sealed class WebhookEndpointForm
{
    public string? Url { get; set; }
    public string? Kind { get; set; }
    public string? Description { get; set; }
    public string? Events { get; set; }
    public string? CratePatterns { get; set; }

    public WebhookEndpointRequest ToRequest() =>
        new(Url?.Trim(), Description, Split(Events), Split(CratePatterns), true, string.IsNullOrWhiteSpace(Kind) ? null : Kind);

    private static List<string>? Split(string? values) =>
        string.IsNullOrWhiteSpace(values) ? null : values.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
