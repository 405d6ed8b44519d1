namespace GhostCrate.Core.Notifications;

/// <summary>
/// Port for the webhook HTTP client: the host's IHttpClientFactory client that follows no redirects, times out after
/// Webhooks:Timeout and refuses, at connect time, addresses outside the allowed ones (see the host's SSRF guard).
/// </summary>
public interface IWebhookHttp
{
    HttpClient CreateClient();
}
