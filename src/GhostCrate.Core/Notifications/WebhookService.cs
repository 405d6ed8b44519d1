using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using GhostCrate.Core.Organizations;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications;

/// <summary>What an administrator asks for when creating or changing an endpoint; null members keep their value.</summary>
public sealed record WebhookEndpointRequest(string? Url, string? Description, IReadOnlyList<string>? Events, IReadOnlyList<string>? CratePatterns, bool? Enabled, string? Kind = null);

/// <summary>
/// Use cases for webhook endpoints: manage them, read the delivery log, send an earlier delivery again (same
/// webhook-id, so receivers can tell it is the same event) and send a test event. Every change is audited. Each call
/// names its scope: <c>org</c> null is the registry-wide endpoints (administrators only), otherwise that organization's
/// endpoints (its owners and admins, and administrators). An endpoint outside the caller's scope does not exist for it.
/// </summary>
public sealed class WebhookService(
    IWebhookRepository webhooks,
    OrganizationService organizations,
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

    public async Task<Result<WebhookEndpoint>> CreateAsync(Principal caller, string? org, WebhookEndpointRequest request, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(caller, org, "add webhooks", cancellationToken);
        if (scope.Error is { } denied) return denied;
        if (request.Url is null) return RegistryError.BadRequest("url is required");
        if (Validate(request) is { } invalid) return invalid;
        var created = await webhooks.CreateAsync(new NewWebhookEndpoint(
            request.Url, request.Description ?? "", Distinct(request.Events), Distinct(request.CratePatterns), [WebhookSignature.NewSecret()],
            request.Enabled ?? true, time.GetUtcNow(), request.Kind ?? WebhookKinds.Standard, scope.Value!.OrgId), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.WebhookCreated, scope.Value.Target(created.Id), new Dictionary<string, string?> { ["url"] = created.Url }, cancellationToken);
        return Result<WebhookEndpoint>.Ok(created);
    }

    public async Task<Result<WebhookEndpoint>> UpdateAsync(Principal caller, string? org, long id, WebhookEndpointRequest request, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, id, "change webhooks", cancellationToken);
        if (found.Error is { } error) return error;
        if (Validate(request) is { } invalid) return invalid;
        var (scope, current) = found.Value;
        var updated = await webhooks.UpdateAsync(id, new NewWebhookEndpoint(
            request.Url ?? current.Url, request.Description ?? current.Description,
            request.Events is null ? current.Events : Distinct(request.Events),
            request.CratePatterns is null ? current.CratePatterns : Distinct(request.CratePatterns),
            current.Secrets, request.Enabled ?? current.Enabled, time.GetUtcNow(), request.Kind ?? current.Kind, current.OrgId), cancellationToken);
        if (updated is null) return NotFound(id);
        await audit.RecordAsync(caller, AuditActions.WebhookUpdated, scope.Target(id), new Dictionary<string, string?> { ["url"] = updated.Url, ["enabled"] = updated.Enabled ? "true" : "false" }, cancellationToken);
        return Result<WebhookEndpoint>.Ok(updated);
    }

    /// <summary>A new secret signs first; the previous one keeps signing until the next rotation (older ones are dropped).</summary>
    public async Task<Result<WebhookEndpoint>> RotateSecretAsync(Principal caller, string? org, long id, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, id, "rotate webhook secrets", cancellationToken);
        if (found.Error is { } error) return error;
        var (scope, current) = found.Value;
        var secrets = current.Secrets.Prepend(WebhookSignature.NewSecret()).Take(KeptSecrets).ToList();
        var updated = await webhooks.UpdateAsync(id, new NewWebhookEndpoint(
            current.Url, current.Description, current.Events, current.CratePatterns, secrets, current.Enabled, time.GetUtcNow(), current.Kind, current.OrgId), cancellationToken);
        if (updated is null) return NotFound(id);
        await audit.RecordAsync(caller, AuditActions.WebhookSecretRotated, scope.Target(id), cancellationToken);
        return Result<WebhookEndpoint>.Ok(updated);
    }

    public async Task<Result<bool>> DeleteAsync(Principal caller, string? org, long id, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, id, "delete webhooks", cancellationToken);
        if (found.Error is { } error) return error;
        if (!await webhooks.DeleteAsync(id, cancellationToken)) return NotFound(id);
        await audit.RecordAsync(caller, AuditActions.WebhookDeleted, found.Value.Scope.Target(id), cancellationToken);
        return Result<bool>.Ok(true);
    }

    public async Task<Result<IReadOnlyList<WebhookEndpoint>>> ListAsync(Principal caller, string? org, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(caller, org, "see webhooks", cancellationToken);
        if (scope.Error is { } denied) return denied;
        return Result<IReadOnlyList<WebhookEndpoint>>.Ok(await webhooks.ListAsync(scope.Value!.OrgId, cancellationToken));
    }

    public async Task<Result<WebhookEndpoint>> GetAsync(Principal caller, string? org, long id, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, id, "see webhooks", cancellationToken);
        return found.Error is { } error ? error : Result<WebhookEndpoint>.Ok(found.Value.Endpoint);
    }

    public async Task<Result<IReadOnlyList<WebhookDelivery>>> DeliveriesAsync(Principal caller, string? org, long id, int limit, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, id, "see webhook deliveries", cancellationToken);
        if (found.Error is { } error) return error;
        return Result<IReadOnlyList<WebhookDelivery>>.Ok(await webhooks.ListDeliveriesAsync(id, limit, cancellationToken));
    }

    /// <summary>Queues the logged delivery's event for its endpoint again; the receiver sees the same webhook-id.</summary>
    public async Task<Result<bool>> RedeliverAsync(Principal caller, string? org, long endpointId, long deliveryId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, endpointId, "redeliver webhooks", cancellationToken);
        if (found.Error is { } error) return error;
        var (scope, endpoint) = found.Value;
        if (await webhooks.FindDeliveryAsync(deliveryId, cancellationToken) is not { } delivery || delivery.EndpointId != endpointId)
            return RegistryError.NotFound($"endpoint {endpointId} has no delivery {deliveryId}");
        if (!endpoint.Enabled) return RegistryError.Conflict($"webhook endpoint {endpointId} is disabled; enable it first");
        await jobs.EnqueueAsync(EventFanOutHandler.DeliveryJob(endpointId, RegistryEvent.Parse(delivery.Payload), options.Value), time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.WebhookRedelivered, scope.Target(endpointId), new Dictionary<string, string?> { ["event_id"] = delivery.EventId }, cancellationToken);
        return Result<bool>.Ok(true);
    }

    /// <summary>Queues a "webhook.test" event for this endpoint only (even when its filters would not want one).</summary>
    public async Task<Result<string>> SendTestAsync(Principal caller, string? org, long endpointId, CancellationToken cancellationToken)
    {
        var found = await FindAsync(caller, org, endpointId, "test webhooks", cancellationToken);
        if (found.Error is { } error) return error;
        var (scope, endpoint) = found.Value;
        if (!endpoint.Enabled) return RegistryError.Conflict($"webhook endpoint {endpointId} is disabled; enable it first");
        var test = RegistryEvent.Create(RegistryEventTypes.Test, new TestEventData($"Test event from GhostCrate to endpoint {endpointId}"), time.GetUtcNow());
        await jobs.EnqueueAsync(EventFanOutHandler.DeliveryJob(endpointId, test, options.Value), time.GetUtcNow(), cancellationToken);
        await audit.RecordAsync(caller, AuditActions.WebhookTested, scope.Target(endpointId), new Dictionary<string, string?> { ["event_id"] = test.Id }, cancellationToken);
        return Result<string>.Ok(test.Id);
    }

    /// <summary>Which endpoints the caller manages: registry-wide ones need an administrator, an organization's its owners or admins.</summary>
    private async Task<Result<WebhookScope>> ScopeAsync(Principal caller, string? org, string what, CancellationToken cancellationToken)
    {
        if (org is null) return Guards.RequireAdmin(caller) is { } denied ? denied : Result<WebhookScope>.Ok(WebhookScope.Registry);
        var found = await organizations.RequireManagerAsync(caller, org, what, cancellationToken);
        return found.Error is { } error ? error : Result<WebhookScope>.Ok(new WebhookScope(found.Value!.Id, found.Value.Name));
    }

    /// <summary>The endpoint when it is in the caller's scope; another scope's endpoint is "not found", not "forbidden".</summary>
    private async Task<Result<(WebhookScope Scope, WebhookEndpoint Endpoint)>> FindAsync(Principal caller, string? org, long id, string what, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(caller, org, what, cancellationToken);
        if (scope.Error is { } denied) return denied;
        if (await webhooks.FindAsync(id, cancellationToken) is not { } endpoint || endpoint.OrgId != scope.Value!.OrgId) return NotFound(id);
        return Result<(WebhookScope, WebhookEndpoint)>.Ok((scope.Value, endpoint));
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

    private static RegistryError NotFound(long id) => RegistryError.NotFound($"no webhook endpoint {id}");
}

/// <summary>Registry-wide endpoints (<see cref="OrgId"/> null) or one organization's; names audit targets.</summary>
internal sealed record WebhookScope(long? OrgId, string? OrgName)
{
    public static WebhookScope Registry { get; } = new(null, null);

    public string Target(long id) => OrgName is null ? $"webhook:{id}" : $"org:{OrgName}:webhook:{id}";
}
