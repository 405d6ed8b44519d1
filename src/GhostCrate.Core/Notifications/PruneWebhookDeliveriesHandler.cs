using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications;

/// <summary>
/// Deletes webhook delivery log rows older than Webhooks:KeepDeliveries; queued hourly as the recurring job
/// "webhooks.prune" (once per run across all nodes). The log holds request payloads and answer excerpts, so it is
/// not kept for ever.
/// </summary>
public sealed class PruneWebhookDeliveriesHandler(IWebhookRepository webhooks, IOptions<WebhookOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobKind = "webhooks.prune";

    public static RecurringJob Schedule { get; } = new("webhooks.prune", JobKind, TimeSpan.FromHours(1));

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await webhooks.PruneDeliveriesAsync(time.GetUtcNow() - options.Value.KeepDeliveries, cancellationToken);
        return JobOutcome.Succeeded;
    }
}
