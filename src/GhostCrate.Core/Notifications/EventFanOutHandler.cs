using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Notifications.Email;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications;

/// <summary>
/// Runs each outbox event: queues one delivery job per enabled endpoint that wants it (an organization's endpoint only for events about
/// that organization or its crates). The delivery's dedup key is
/// event + endpoint, so if this job runs twice (a lease expired) no endpoint gets a second delivery while the first
/// is unfinished, and every delivery of one event carries the same webhook-id. It also queues the event's emails
/// (<see cref="EmailFanOut"/>, deduplicated the same way) and, for crate.published, the docs build.
/// </summary>
public sealed class EventFanOutHandler(IWebhookRepository webhooks, IJobRepository jobs, EmailFanOut emails, Docs.Build.DocsBuildQueue docsBuilds, IOptions<WebhookOptions> options, TimeProvider time) : IJobHandler
{
    public string Kind => RegistryEvent.JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var registryEvent = RegistryEvent.Parse(job.Payload);
        IReadOnlyList<long>? orgIds = null;
        foreach (var endpoint in await webhooks.ListAsync(cancellationToken))
        {
            if (!endpoint.Enabled || !endpoint.Wants(registryEvent)) continue;
            if (endpoint.OrgId is { } orgId)
            {
                // An organization's endpoint hears only about its own crates and itself; events about no crate and
                // no organization (tokens, backups, the proxy) are registry-wide matters.
                orgIds ??= registryEvent.CrateName is null && registryEvent.OrgName is null
                    ? []
                    : await webhooks.OrgIdsForEventAsync(registryEvent.CrateName, registryEvent.OrgName, cancellationToken);
                // A deleted crate has no ownership rows left: its event names the organizations that owned it.
                foreach (var org in registryEvent.OrgOwners)
                    orgIds = [.. orgIds.Union(await webhooks.OrgIdsForEventAsync(null, org, cancellationToken))];
                if (!orgIds.Contains(orgId)) continue;
            }
            await jobs.EnqueueAsync(DeliveryJob(endpoint.Id, registryEvent, options.Value), time.GetUtcNow(), cancellationToken);
        }
        await emails.QueueAsync(registryEvent, cancellationToken);
        // crate.published also queues the version's docs build (Docs:Build:Enabled; deduplicated per version).
        await docsBuilds.OnEventAsync(registryEvent, cancellationToken);
        return JobOutcome.Succeeded;
    }

    public static NewJob DeliveryJob(long endpointId, RegistryEvent registryEvent, WebhookOptions options) => new(
        WebhookDeliveryHandler.JobKind,
        JsonSerializer.Serialize(new WebhookDeliveryJob(endpointId, registryEvent.ToJson()), RegistryEvent.JsonOptions),
        DedupKey: $"{registryEvent.Id}:{endpointId}",
        MaxAttempts: options.EffectiveRetrySchedule.Count + 1);
}
