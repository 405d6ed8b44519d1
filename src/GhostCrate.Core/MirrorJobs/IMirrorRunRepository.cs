using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.MirrorJobs;

/// <summary>
/// The mirror_runs table: every server-run mirror operation, its progress while it runs and its result. Shared by the
/// nodes through the database, so any node's /admin/mirror shows a run another node is doing.
/// </summary>
public interface IMirrorRunRepository
{
    /// <summary>
    /// Records a queued run and queues its job (built by <paramref name="job"/> from the new run's id) in one
    /// transaction; null when an unfinished job already holds the job's dedup key (nothing is written then).
    /// </summary>
    Task<MirrorRun?> QueueAsync(string operation, string directory, string? parameters, string? requestedBy, Func<long, NewJob> job, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the run running on <paramref name="node"/> and counts the attempt; false when it has finished already.</summary>
    Task<bool> StartAsync(long id, string node, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stores the counters of a running run (its heartbeat); returns whether an administrator asked to cancel it.</summary>
    Task<bool> ReportProgressAsync(long id, MirrorRunProgress progress, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records how the run ended, with its mirror.sync_failed / mirror.sync_succeeded event in the same transaction
    /// (the outbox); false when it had already finished (a second delivery of the job), and then no event is written.
    /// </summary>
    Task<bool> FinishAsync(long id, MirrorRunResult result, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Asks a queued or running run to stop; false when it has finished or does not exist.</summary>
    Task<bool> RequestCancelAsync(long id, CancellationToken cancellationToken);

    Task<MirrorRun?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<MirrorRun>> ListRecentAsync(int limit, CancellationToken cancellationToken);
}
