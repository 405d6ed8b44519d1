using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications;

/// <summary>What an administrator asks for when creating or changing an endpoint; null members keep their value.</summary>
public sealed record WebhookEndpointRequest(string? Url, string? Description, IReadOnlyList<string>? Events, IReadOnlyList<string>? CratePatterns, bool? Enabled, string? Kind = null);

/// <summary>
/// Administrators' use cases for registry-wide webhook endpoints: manage them, read the delivery log, send an earlier
/// delivery again (same webhook-id, so receivers can tell it is the same event) and send a test event. Every change
/// is audited.
/// </summary>
public sealed class WebhookService(
    IWebhookRepository webhooks,
    IJobRepository jobs,
    AuditLog audit,
    IOptions<WebhookOptions> options,
    IOptions<RegistryOptions> registry,
    TimeProvider time)
{
    public const int MaxUrlLength = 2000;
    public const int MaxPatterns = 50;

    // A receiver wants the newest secret plus, during a switch, the one before it.
    private const int KeptSecrets = 2;

    public async Task<Result<WebhookEndpoint>> CreateAsync(Principal caller, WebhookEndpointRequest request, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (request.Url is null) return RegistryError.BadRequest("url is required");
        if (Validate(request) is { } invalid) return invalid;
        var created = await webhooks.CreateAsync(new NewWebhookEndpoint(
            request.Url, request.Description ?? "", Distinct(request.Events), Distinct(request.CratePatterns), [WebhookSignature.NewSecret()],
            request.Enabled ?? true, time.GetUtcNow(), request.Kind ?? WebhookKinds.Standard), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.WebhookCreated, Target(created.Id), new Dictionary<string, string?> { ["url"] = created.Url }, cancellationToken);
        return Result<WebhookEndpoint>.Ok(created);
    }

    public async Task<Result<WebhookEndpoint>> UpdateAsync(Principal caller, long id, WebhookEndpointRequest request, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (Validate(request) is { } invalid) return invalid;
        if (await webhooks.FindAsync(id, cancellationToken) is not { } current) return NotFound(id);
        var updated = await webhooks.UpdateAsync(id, new NewWebhookEndpoint(
            request.Url ?? current.Url, request.Description ?? current.Description,
            request.Events is null ? current.Events : Distinct(request.Events),
            request.CratePatterns is null ? current.CratePatterns : Distinct(request.CratePatterns),
            current.Secrets, request.Enabled ?? current.Enabled, time.GetUtcNow(), request.Kind ?? current.Kind), cancellationToken);
        if (updated is null) return NotFound(id);
        await audit.RecordAsync(caller, AuditActions.WebhookUpdated, Target(id), new Dictionary<string, string?> { ["url"] = updated.Url, ["enabled"] = updated.Enabled ? "true" : "false" }, cancellationToken);
        return Result<WebhookEndpoint>.Ok(updated);
    }

    /// <summary>A new secret signs first; the previous one keeps signing until the next rotation (older ones are dropped).</summary>
    public async Task<Result<WebhookEndpoint>> RotateSecretAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (await webhooks.FindAsync(id, cancellationToken) is not { } current) return NotFound(id);
        var secrets = current.Secrets.Prepend(WebhookSignature.NewSecret()).Take(KeptSecrets).ToList();
        var updated = await webhooks.UpdateAsync(id, new NewWebhookEndpoint(
            current.Url, current.Description, current.Events, current.CratePatterns, secrets, current.Enabled, time.GetUtcNow(), current.Kind), cancellationToken);
        if (updated is null) return NotFound(id);
        await audit.RecordAsync(caller, AuditActions.WebhookSecretRotated, Target(id), cancellationToken);
        return Result<WebhookEndpoint>.Ok(updated);
    }

    public async Task<Result<bool>> DeleteAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (!await webhooks.DeleteAsync(id, cancellationToken)) return NotFound(id);
        await audit.RecordAsync(caller, AuditActions.WebhookDeleted, Target(id), cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<IReadOnlyList<WebhookEndpoint>>> ListAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        return Result<IReadOnlyList<WebhookEndpoint>>.Ok(await webhooks.ListAsync(cancellationToken));
    }

    public async Task<Result<WebhookEndpoint>> GetAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        return await webhooks.FindAsync(id, cancellationToken) is { } endpoint ? Result<WebhookEndpoint>.Ok(endpoint) : NotFound(id);
    }

    public async Task<Result<IReadOnlyList<WebhookDelivery>>> DeliveriesAsync(Principal caller, long id, int limit, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (await webhooks.FindAsync(id, cancellationToken) is null) return NotFound(id);
        return Result<IReadOnlyList<WebhookDelivery>>.Ok(await webhooks.ListDeliveriesAsync(id, limit, cancellationToken));
    }

    /// <summary>Queues the logged delivery's event for its endpoint again; the receiver sees the same webhook-id.</summary>
    public async Task<Result<bool>> RedeliverAsync(Principal caller, long endpointId, long deliveryId, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (await webhooks.FindAsync(endpointId, cancellationToken) is not { } endpoint) return NotFound(endpointId);
        if (await webhooks.FindDeliveryAsync(deliveryId, cancellationToken) is not { } delivery || delivery.EndpointId != endpointId)
            return RegistryError.NotFound($"endpoint {endpointId} has no delivery {deliveryId}");
        if (!endpoint.Enabled) return RegistryError.Conflict($"webhook endpoint {endpointId} is disabled; enable it first");
        await jobs.EnqueueAsync(EventFanOutHandler.DeliveryJob(endpointId, RegistryEvent.Parse(delivery.Payload), options.Value), time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.WebhookRedelivered, Target(endpointId), new Dictionary<string, string?> { ["event_id"] = delivery.EventId }, cancellationToken);
        return Result<bool>.Ok(true);
    }

    /// <summary>Queues a "webhook.test" event for this endpoint only (even when its filters would not want one).</summary>
    public async Task<Result<string>> SendTestAsync(Principal caller, long endpointId, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (await webhooks.FindAsync(endpointId, cancellationToken) is not { } endpoint) return NotFound(endpointId);
        if (!endpoint.Enabled) return RegistryError.Conflict($"webhook endpoint {endpointId} is disabled; enable it first");
        var test = RegistryEvent.Create(RegistryEventTypes.Test, new TestEventData($"Test event from GhostCrate to endpoint {endpointId}"), time.GetUtcNow());
        await jobs.EnqueueAsync(EventFanOutHandler.DeliveryJob(endpointId, test, options.Value), time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.WebhookTested, Target(endpointId), new Dictionary<string, string?> { ["event_id"] = test.Id }, cancellationToken);
        return Result<string>.Ok(test.Id);
    }

    private RegistryError? Validate(WebhookEndpointRequest request)
    {
        if (request.Kind is { } kind)
        {
            if (!WebhookKinds.All.Contains(kind, StringComparer.Ordinal))
                return RegistryError.BadRequest($"unknown kind `{kind}`; known kinds: {string.Join(", ", WebhookKinds.All)}");
            // Chat messages link back to the crate page, and those links come from the configured URL only.
            if (kind != WebhookKinds.Standard && string.IsNullOrWhiteSpace(registry.Value.PublicUrl))
                return RegistryError.BadRequest($"{kind} endpoints need Registry:PublicUrl (their messages link to the registry)");
        }
        if (request.Url is { } url)
        {
            if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                return RegistryError.BadRequest($"url must be an absolute http or https URL of at most {MaxUrlLength} characters");
            // Credentials in the URL would be shown in the admin API and logs; receivers verify the signature instead.
            if (!string.IsNullOrEmpty(uri.UserInfo)) return RegistryError.BadRequest("url must not contain a user name or password");
        }
        if (request.Description is { Length: > 500 }) return RegistryError.BadRequest("description must be at most 500 characters");
        if (request.Events?.FirstOrDefault(e => !RegistryEventTypes.All.Contains(e, StringComparer.Ordinal)) is { } unknown)
            return RegistryError.BadRequest($"unknown event `{unknown}`; known events: {string.Join(", ", RegistryEventTypes.All)}");
        if (request.CratePatterns is { Count: > MaxPatterns }) return RegistryError.BadRequest($"at most {MaxPatterns} crate patterns");
        if (request.CratePatterns?.FirstOrDefault(p => !CratePattern.IsValid(p)) is { } bad)
            return RegistryError.BadRequest($"crate pattern `{bad}` is not a crate name, optionally ending in *");
        return null;
    }

    private static List<string> Distinct(IReadOnlyList<string>? values) => values?.Distinct(StringComparer.Ordinal).ToList() ?? [];

    private static string Target(long id) => $"webhook:{id}";

    private static RegistryError NotFound(long id) => RegistryError.NotFound($"no webhook endpoint {id}");
}
