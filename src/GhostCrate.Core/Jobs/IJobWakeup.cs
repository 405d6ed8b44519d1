namespace GhostCrate.Core.Jobs;

/// <summary>
/// Tells this process's idle workers that work may have arrived: an enqueue here signals it directly, and the job
/// worker signals it for the change feed's jobs topic (Core/Changes; PostgreSQL: every enqueue NOTIFYs at commit, so
/// a job queued on another node wakes this one). The worker also polls (Jobs:PollInterval), so a lost signal costs
/// latency, never a job.
/// </summary>
public interface IJobWakeup
{
    /// <summary>Completes at the next signal (or when cancelled).</summary>
    Task WaitAsync(CancellationToken cancellationToken);

    /// <summary>Wakes this process's waiting workers.</summary>
    void Signal();
}
