using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Following;

/// <summary>
/// Deletes follows that ended with their crate's deletion (kept only for that crate.deleted event's emails) once they
/// are <see cref="Keep"/> old; queued hourly as the recurring job "follows.prune" (once per run across all nodes).
/// </summary>
public sealed class PruneEndedFollowsHandler(IFollowRepository follows, TimeProvider time) : IJobHandler
{
    public const string JobKind = "follows.prune";

    /// <summary>
    /// Far longer than an email job's retries take under any sensible Jobs:MaxBackoff, so the event's follower emails
    /// (and an administrator's "retry now" of one that was given up) still find their recipients.
    /// </summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(30);

    public static RecurringJob Schedule { get; } = new("follows.prune", JobKind, TimeSpan.FromHours(1));

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await follows.PruneEndedAsync(time.GetUtcNow() - Keep, cancellationToken);
        return JobOutcome.Succeeded;
    }
}
