using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Jobs;

/// <summary>Deletes succeeded jobs older than Jobs:KeepSucceeded; queued hourly as the recurring job "jobs.prune".</summary>
public sealed class PruneJobsHandler(IJobRepository jobs, IOptions<JobOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobKind = "jobs.prune";

    public static RecurringJob Schedule { get; } = new("jobs.prune", JobKind, TimeSpan.FromHours(1));

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await jobs.PruneSucceededAsync(time.GetUtcNow() - options.Value.KeepSucceeded, cancellationToken);
        return JobOutcome.Succeeded;
    }
}
