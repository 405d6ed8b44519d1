namespace GhostCrate.Core.Jobs;

/// <summary>
/// Runs the jobs of one kind. Registered through DI (<see cref="JobServiceCollectionExtensions.AddJobHandler{T}"/>);
/// the worker leases only kinds that have a handler, so a node without a feature leaves its jobs to nodes with it.
/// A handler must tolerate running twice for one job (a lease can expire while it is still working).
/// </summary>
public interface IJobHandler
{
    string Kind { get; }

    /// <summary>An exception counts as <see cref="JobOutcome.Retry"/> with the default backoff.</summary>
    Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken);
}

/// <summary>What a handler reports: done, try again (optionally not before a given time), or give up now.</summary>
public sealed record JobOutcome
{
    private JobOutcome(JobOutcomeKind kind, string? error, DateTimeOffset? notBefore)
    {
        Kind = kind;
        Error = error;
        NotBefore = notBefore;
    }

    public JobOutcomeKind Kind { get; }
    public string? Error { get; }

    /// <summary>For a retry: when to try again (the handler's own schedule, an HTTP Retry-After); null: the queue's backoff.</summary>
    public DateTimeOffset? NotBefore { get; }

    public static JobOutcome Succeeded { get; } = new(JobOutcomeKind.Succeeded, null, null);

    public static JobOutcome Retry(string error, DateTimeOffset? notBefore = null) => new(JobOutcomeKind.Retry, error, notBefore);

    public static JobOutcome GiveUp(string error) => new(JobOutcomeKind.GiveUp, error, null);
}

public enum JobOutcomeKind
{
    Succeeded,
    Retry,
    GiveUp,
}
