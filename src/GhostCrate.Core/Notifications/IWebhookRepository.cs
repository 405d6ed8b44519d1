using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Notifications;

public interface IWebhookRepository
{
    Task<WebhookEndpoint> CreateAsync(NewWebhookEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>Replaces every field but the id and creation time; null when there is no such endpoint.</summary>
    Task<WebhookEndpoint?> UpdateAsync(long id, NewWebhookEndpoint endpoint, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);

    Task<WebhookEndpoint?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>Every endpoint, registry-wide and per organization (the fan-out picks among them).</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The registry-wide endpoints (<paramref name="orgId"/> null) or one organization's.</summary>
    Task<IReadOnlyList<WebhookEndpoint>> ListAsync(long? orgId, CancellationToken cancellationToken);

    /// <summary>
    /// The organizations an event is about, for per-organization endpoints: those owning <paramref name="crate"/>
    /// directly or through one of their teams, and the organization named <paramref name="org"/>. Read when the event
    /// is fanned out, so a crate given to an organization after the event does not send it there.
    /// </summary>
    Task<IReadOnlyList<long>> OrgIdsForEventAsync(string? crate, string? org, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the stored secrets to <paramref name="replacement"/> only while they are still <paramref name="expected"/>
    /// (compare-and-set); false when they changed meanwhile or the endpoint is gone.
    /// </summary>
    Task<bool> ReplaceSecretsAsync(long id, IReadOnlyList<string> expected, IReadOnlyList<string> replacement, CancellationToken cancellationToken);

    /// <summary>Turns an endpoint off (a receiver answered 410 Gone); it stays listed with the reason.</summary>
    Task DisableAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    Task<WebhookDelivery> AddDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken);

    Task<WebhookDelivery?> FindDeliveryAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes delivery log rows written before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PruneDeliveriesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long endpointId, int limit, CancellationToken cancellationToken);
}
