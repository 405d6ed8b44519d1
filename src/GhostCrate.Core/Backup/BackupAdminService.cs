using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Backup;

/// <summary>
/// What the admin page and API show: the schedule, its next run, the latest runs (newest first), and how the server's
/// backups are encrypted (<see cref="Encryption"/>: "key file", "passphrase", or null for not encrypted).
/// </summary>
public sealed record BackupOverview(string? Schedule, string TimeZone, string? Target, BackupRetention Retention, DateTimeOffset? NextRunAt, IReadOnlyList<BackupRun> Runs, string? Encryption = null);

/// <summary>Backups for administrators: the overview, and "back up now" (queued as a job on the queue, audited).</summary>
public sealed class BackupAdminService(IBackupRunLog runs, IJobRepository jobs, IOptions<BackupOptions> options, AuditLog audit, TimeProvider time)
{
    public const int MaxRuns = 200;

    /// <summary>One pending or running "back up now" at a time: a second click while it waits is not a second backup.</summary>
    public const string ManualDedupKey = "backup:manual";

    public async Task<Result<BackupOverview>> OverviewAsync(Principal caller, int limit, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var settings = options.Value;
        var schedule = string.IsNullOrWhiteSpace(settings.Schedule) ? null : settings.Schedule.Trim();
        var next = schedule is null ? null : await jobs.GetNextRunAsync(BackupJobHandler.ScheduleName, cancellationToken);
        var recent = await runs.ListRecentAsync(Math.Clamp(limit, 1, MaxRuns), cancellationToken);
        // Which kind of key, never the key file's path or the passphrase: the page is an overview, /admin/config has the rest.
        var encryption = !string.IsNullOrWhiteSpace(settings.EncryptionKeyFile) ? "key file" : !string.IsNullOrEmpty(settings.EncryptionPassphrase) ? "passphrase" : null;
        return Result<BackupOverview>.Ok(new BackupOverview(schedule, settings.TimeZone, settings.Target, settings.Retention, next, recent, encryption));
    }

    /// <summary>Queues a backup to Backup:Target; returns the job's id.</summary>
    public async Task<Result<long>> RequestAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAdmin(caller) is { } denied) return denied;
        var settings = options.Value;
        if (!settings.Configured) return RegistryError.Conflict("no backup target is configured: set Backup:Target (a directory or s3://bucket/prefix)");
        var job = new NewJob(BackupJobHandler.JobKind, BackupJobHandler.Payload("manual", caller.Username), ManualDedupKey, MaxAttempts: 1);
        var id = await jobs.EnqueueAsync(job, time.GetUtcNow(), cancellationToken);
        if (id is null) return RegistryError.Conflict("a backup requested earlier is still queued or running");
        await audit.RecordAsync(caller, AuditActions.BackupRequested, $"job:{id}", cancellationToken);
        return Result<long>.Ok(id.Value);
    }
}
