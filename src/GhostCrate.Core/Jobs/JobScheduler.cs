using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Jobs;

/// <summary>
/// Queues recurring jobs. Every node runs <see cref="TickAsync"/>; for a due schedule each one tries the same
/// compare-and-set on its next-run time, and only the node whose update matched queues the run (its dedup key names
/// the run, so even a replayed claim cannot queue it twice while it is unfinished).
/// </summary>
public sealed class JobScheduler(IJobRepository jobs, IEnumerable<RecurringJob> schedules, TimeProvider time, ILogger<JobScheduler> logger)
{
    private readonly IReadOnlyList<RecurringJob> _schedules = schedules.ToList();
    private bool _ensured;

    /// <summary>Queues every due run; returns how many this node queued.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_ensured)
        {
            // A new schedule's first run is one interval (or the next cron occurrence) after the first node starts with it.
            foreach (var schedule in _schedules)
                await jobs.EnsureScheduleAsync(schedule.Name, schedule.FirstRunAfter(now), cancellationToken);
            _ensured = true;
        }

        var queued = 0;
        foreach (var schedule in _schedules)
        {
            var due = await jobs.GetNextRunAsync(schedule.Name, cancellationToken);
            if (due is not { } dueAt || dueAt > now) continue;
            var job = new NewJob(schedule.Kind, schedule.Payload, DedupKey: $"schedule:{schedule.Name}:{dueAt.ToUnixTimeMilliseconds()}");
            if (await jobs.TryClaimScheduleAsync(schedule.Name, dueAt, schedule.NextAfter(dueAt, now), job, now, cancellationToken))
            {
                logger.LogInformation("Queued recurring job {Schedule} due at {DueAt}", schedule.Name, dueAt);
                queued++;
            }
        }
        return queued;
    }
}
