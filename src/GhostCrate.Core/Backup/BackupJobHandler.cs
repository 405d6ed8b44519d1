using System.Text.Json;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Backup;

/// <summary>
/// Runs a server-side backup to Backup:Target, queued by the Backup:Schedule recurring job or by "back up now". The
/// queue gives each scheduled occurrence to exactly one node (the schedule's compare-and-set, then one lease that the
/// runner renews while the backup runs). <see cref="BackupCreator"/> records every run in backup_runs (where /metrics
/// and the admin page read it) and logs a failure as an error; retention is applied after a success.
/// </summary>
public sealed class BackupJobHandler(
    BackupCreator creator,
    IBackupLocationFactory locations,
    BackupProgramVersion version,
    IOptions<BackupOptions> options,
    IOptions<MirrorOptions> mirror,
    IBackupRunLog runs,
    TimeProvider time,
    ILogger<BackupJobHandler> logger) : IJobHandler
{
    public const string JobKind = "backup.create";

    /// <summary>The schedule's row in the job queue's schedules table.</summary>
    public const string ScheduleName = "backup";

    public string Kind => JobKind;

    /// <summary>The recurring job of <paramref name="settings"/>' schedule, or null when none is set.</summary>
    public static RecurringJob? Recurring(BackupOptions settings) =>
        settings.ParsedSchedule() is { } cron ? RecurringJob.OnCron(ScheduleName, JobKind, cron, Payload("schedule", null)) : null;

    public static string Payload(string trigger, string? requestedBy) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["trigger"] = trigger, ["requested_by"] = requestedBy });

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Configured) return JobOutcome.GiveUp("Backup:Target is not set on the node that ran this job");
        IBackupLocation location;
        try
        {
            location = locations.Open(settings.Target!);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The target could not even be reached (S3 settings missing, say): record and log it like a failed backup
            // so /metrics, the alert and the admin page show it.
            logger.LogError(ex, "Backup to {Target} failed: the target cannot be opened", settings.Target);
            var now = time.GetUtcNow();
            await runs.RecordAsync(new BackupRun(now, now, settings.Target!, null, false, 0, ex.Message), CancellationToken.None);
            return JobOutcome.GiveUp(ex.Message);
        }
        try
        {
            await creator.CreateAsync(location, version.Value, settings.CreateOptions(mirror.Value), cancellationToken);
        }
        catch (BackupException ex)
        {
            // A broken stored file or an unusable target: the creator has logged and recorded it; the same attempt
            // again would fail the same way, so the job stops here and the next scheduled run tries afresh.
            return JobOutcome.GiveUp(ex.Message);
        }
        await ApplyRetentionAsync(location, settings, cancellationToken);
        return JobOutcome.Succeeded;
    }

    /// <summary>A failed prune must not turn a good backup into a failed job (a retry would back up again).</summary>
    private async Task ApplyRetentionAsync(IBackupLocation location, BackupOptions settings, CancellationToken cancellationToken)
    {
        var retention = settings.Retention;
        if (!retention.KeepsAnything) return;
        try
        {
            var report = await BackupPruner.PruneAsync(location, retention, dryRun: false, time, cancellationToken);
            if (report.Deleted.Count > 0)
                logger.LogInformation("Backup retention deleted {Count} backup(s) at {Target}: {Ids}", report.Deleted.Count, location.Describe, string.Join(", ", report.Deleted));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Backup retention at {Target} failed; older backups were kept", location.Describe);
        }
    }
}
