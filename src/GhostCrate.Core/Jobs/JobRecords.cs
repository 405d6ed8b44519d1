namespace GhostCrate.Core.Jobs;

/// <summary>Where a job is in its life: waiting, leased to a worker, done, or given up on.</summary>
public enum JobState
{
    Pending,
    Running,
    Succeeded,
    Dead,
}

/// <summary>
/// A job to run later. <paramref name="Payload"/> is JSON read by the handler of <paramref name="Kind"/>; a job whose
/// <paramref name="DedupKey"/> is already pending or running is not queued again. The kind decides how many attempts
/// a job gets (webhook deliveries follow the Standard Webhooks schedule, for example).
/// </summary>
public sealed record NewJob(string Kind, string Payload, string? DedupKey = null, DateTimeOffset? RunAt = null, int MaxAttempts = NewJob.DefaultMaxAttempts)
{
    public const int DefaultMaxAttempts = 8;
}

public sealed record JobRecord(
    long Id,
    string Kind,
    string Payload,
    string? DedupKey,
    JobState State,
    int Attempts,
    int MaxAttempts,
    DateTimeOffset RunAt,
    DateTimeOffset? LeasedUntil,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>A job handed to one worker: <see cref="LeaseToken"/> proves the lease when the worker reports back.</summary>
public sealed record LeasedJob(JobRecord Job, string LeaseToken);

/// <summary>
/// The queue at a glance (the admin page and API): Pending counts jobs waiting (Failed of them have failed at least
/// once and wait for a retry), Running are leased, Dead gave up.
/// </summary>
public sealed record JobQueueStats(long Pending, long Due, long Failed, long Running, long Succeeded, long Dead);
