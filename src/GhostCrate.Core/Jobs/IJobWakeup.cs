namespace GhostCrate.Core.Jobs;

/// <summary>
/// Tells idle workers that work may have arrived. PostgreSQL: LISTEN on the channel that every enqueue NOTIFYs, so
/// a job queued on another node wakes this one when its transaction commits. SQLite: only this process's
/// <see cref="Signal"/>. Either way the worker also polls (Jobs:PollInterval), so a lost signal costs latency, never
/// a job.
/// </summary>
public interface IJobWakeup
{
    /// <summary>Completes at the next signal (or when cancelled).</summary>
    Task WaitAsync(CancellationToken cancellationToken);

    /// <summary>Wakes this process's waiting workers.</summary>
    void Signal();
}
