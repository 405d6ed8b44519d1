using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Jobs;

/// <summary>The queue for administrators: counts, recent jobs by state, and "retry now" (audited).</summary>
public sealed class JobAdminService(IJobRepository jobs, AuditLog audit, TimeProvider time)
{
    public const int MaxListLimit = 500;

    public async Task<Result<(JobQueueStats Stats, IReadOnlyList<JobRecord> Jobs)>> OverviewAsync(Principal caller, JobState? state, int limit, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var stats = await jobs.GetStatsAsync(time.GetUtcNow(), cancellationToken);
        var list = await jobs.ListAsync(state, Math.Clamp(limit, 1, MaxListLimit), cancellationToken);
        return Result<(JobQueueStats, IReadOnlyList<JobRecord>)>.Ok((stats, list));
    }

    public async Task<Result<JobRecord>> GetAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        return await jobs.FindAsync(id, cancellationToken) is { } job ? Result<JobRecord>.Ok(job) : RegistryError.NotFound($"no job {id}");
    }

    public async Task<Result<JobRecord>> RetryNowAsync(Principal caller, long id, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        if (await jobs.FindAsync(id, cancellationToken) is null) return RegistryError.NotFound($"no job {id}");
        if (!await jobs.RetryNowAsync(id, time.GetUtcNow(), cancellationToken))
            return RegistryError.Conflict($"job {id} is running or has succeeded (or a newer job with its deduplication key is queued)");
        await audit.RecordAsync(caller, AuditActions.JobRetried, $"job:{id}", cancellationToken);
        return Result<JobRecord>.Ok((await jobs.FindAsync(id, cancellationToken))!);
    }
}
