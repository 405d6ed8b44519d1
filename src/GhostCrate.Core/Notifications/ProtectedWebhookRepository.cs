using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Notifications;

/// <summary>
/// Keeps webhook secrets encrypted at rest: writes protect them, reads unprotect them, so everything above this
/// repository (the API, the delivery handler) sees plaintext secrets and the database never does. Rows written before
/// encryption hold plaintext secrets: the first read rewrites them protected, with a compare-and-set so that a
/// concurrent change (a rotation on another node) wins over the rewrite. A secret that cannot be unprotected (its key
/// left the ring, the row was altered) is left out and logged; the endpoint then fails its deliveries until the secret
/// is rotated.
/// </summary>
public sealed class ProtectedWebhookRepository(IWebhookRepository inner, IWebhookSecretProtector protector, ILogger<ProtectedWebhookRepository> logger) : IWebhookRepository
{
    public async Task<WebhookEndpoint> CreateAsync(NewWebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        (await ReadAsync(await inner.CreateAsync(Protect(endpoint), cancellationToken), cancellationToken))!;

    public async Task<WebhookEndpoint?> UpdateAsync(long id, NewWebhookEndpoint endpoint, CancellationToken cancellationToken) =>
        await ReadAsync(await inner.UpdateAsync(id, Protect(endpoint), cancellationToken), cancellationToken);

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);

    public async Task<WebhookEndpoint?> FindAsync(long id, CancellationToken cancellationToken) =>
        await ReadAsync(await inner.FindAsync(id, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(CancellationToken cancellationToken) =>
        await ReadAllAsync(await inner.ListAsync(cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(long? orgId, CancellationToken cancellationToken) =>
        await ReadAllAsync(await inner.ListAsync(orgId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<long>> OrgIdsForEventAsync(string? crate, string? org, CancellationToken cancellationToken) =>
        inner.OrgIdsForEventAsync(crate, org, cancellationToken);

    public Task<bool> ReplaceSecretsAsync(long id, IReadOnlyList<string> expected, IReadOnlyList<string> replacement, CancellationToken cancellationToken) =>
        inner.ReplaceSecretsAsync(id, expected, replacement, cancellationToken);

    public Task DisableAsync(long id, string reason, DateTimeOffset now, CancellationToken cancellationToken) => inner.DisableAsync(id, reason, now, cancellationToken);

    public Task<WebhookDelivery> AddDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken) => inner.AddDeliveryAsync(delivery, cancellationToken);

    public Task<WebhookDelivery?> FindDeliveryAsync(long id, CancellationToken cancellationToken) => inner.FindDeliveryAsync(id, cancellationToken);

    public Task<int> PruneDeliveriesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => inner.PruneDeliveriesAsync(cutoff, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(long endpointId, int limit, CancellationToken cancellationToken) =>
        inner.ListDeliveriesAsync(endpointId, limit, cancellationToken);

    private NewWebhookEndpoint Protect(NewWebhookEndpoint endpoint) =>
        endpoint with { Secrets = endpoint.Secrets.Select(protector.Protect).ToList() };

    private async Task<IReadOnlyList<WebhookEndpoint>> ReadAllAsync(IReadOnlyList<WebhookEndpoint> stored, CancellationToken cancellationToken)
    {
        var endpoints = new List<WebhookEndpoint>(stored.Count);
        foreach (var endpoint in stored) endpoints.Add((await ReadAsync(endpoint, cancellationToken))!);
        return endpoints;
    }

    private async Task<WebhookEndpoint?> ReadAsync(WebhookEndpoint? stored, CancellationToken cancellationToken)
    {
        if (stored is null) return null;
        var secrets = new List<string>(stored.Secrets.Count);
        foreach (var secret in stored.Secrets)
        {
            if (!secret.StartsWith(IWebhookSecretProtector.Prefix, StringComparison.Ordinal)) secrets.Add(secret);
            else if (protector.Unprotect(secret) is { } plain) secrets.Add(plain);
            else logger.LogWarning("A signing secret of webhook endpoint {EndpointId} cannot be decrypted with this server's keys; rotate the endpoint's secret", stored.Id);
        }
        if (stored.Secrets.Any(s => !s.StartsWith(IWebhookSecretProtector.Prefix, StringComparison.Ordinal)))
        {
            // Written before secrets were encrypted: store them protected now (unless someone changed them meanwhile).
            var protectedSecrets = stored.Secrets.Select(s => s.StartsWith(IWebhookSecretProtector.Prefix, StringComparison.Ordinal) ? s : protector.Protect(s)).ToList();
            if (await inner.ReplaceSecretsAsync(stored.Id, stored.Secrets, protectedSecrets, cancellationToken))
                logger.LogInformation("Encrypted the stored signing secrets of webhook endpoint {EndpointId}", stored.Id);
        }
        return stored with { Secrets = secrets };
    }
}
