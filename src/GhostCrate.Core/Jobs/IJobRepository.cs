namespace GhostCrate.Core.Jobs;

/// <summary>
/// The job table. Every call is its own transaction; a job that must commit with another change is written by that
/// change's repository instead (the outbox: see Data/Jobs/JobSql).
/// </summary>
public interface IJobRepository
{
    /// <summary>Queues a job; returns its id, or null when a pending or running job has the same dedup key.</summary>
    Task<long?> EnqueueAsync(NewJob job, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the next due job of one of <paramref name="kinds"/> until now + <paramref name="lease"/> and counts the
    /// attempt: a pending job whose run_at has come, or a running one whose lease expired (its worker died). A job
    /// whose expired lease was its last attempt becomes dead instead. Two callers never get the same lease.
    /// </summary>
    Task<LeasedJob?> DequeueAsync(IReadOnlyCollection<string> kinds, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Extends a lease the worker still holds to <paramref name="leasedUntil"/> (a long job, such as a backup, renews
    /// it while it runs so no other node takes the job meanwhile); false when the lease was lost.
    /// </summary>
    Task<bool> RenewLeaseAsync(LeasedJob job, DateTimeOffset leasedUntil, CancellationToken cancellationToken);

    /// <summary>Marks the job succeeded; false when the lease was lost (expired and taken by another worker).</summary>
    Task<bool> CompleteAsync(LeasedJob job, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failure: the job waits until <paramref name="retryAt"/>, or is dead when that is null.</summary>
    Task<bool> FailAsync(LeasedJob job, string error, DateTimeOffset? retryAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>An administrator's "retry now": a dead or waiting job runs at <paramref name="now"/> with fresh attempts.</summary>
    Task<bool> RetryNowAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    Task<JobRecord?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>The pending or running job holding <paramref name="dedupKey"/> (the one an <see cref="EnqueueAsync"/> that returned null met), or null.</summary>
    Task<JobRecord?> FindUnfinishedAsync(string dedupKey, CancellationToken cancellationToken);

    /// <summary>Newest first; all states when <paramref name="state"/> is null.</summary>
    Task<IReadOnlyList<JobRecord>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken);

    Task<JobQueueStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes succeeded jobs finished before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PruneSucceededAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Creates the schedule row with its first run time unless it exists.</summary>
    Task EnsureScheduleAsync(string name, DateTimeOffset firstRunAt, CancellationToken cancellationToken);

    /// <summary>The schedule's next run time, or null when there is no such schedule.</summary>
    Task<DateTimeOffset?> GetNextRunAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set on the schedule: when its next run is still <paramref name="expectedRunAt"/>, moves it to
    /// <paramref name="nextRunAt"/> and queues <paramref name="job"/> in the same transaction. False when another
    /// node claimed this run first.
    /// </summary>
    Task<bool> TryClaimScheduleAsync(string name, DateTimeOffset expectedRunAt, DateTimeOffset nextRunAt, NewJob job, DateTimeOffset now, CancellationToken cancellationToken);
}
