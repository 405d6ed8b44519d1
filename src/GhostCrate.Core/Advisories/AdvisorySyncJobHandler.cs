using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// The server's own advisory sync (Advisories:SyncFrom on Advisories:Schedule), the same import as
/// `ghostcrate advisories sync`: the job queue gives each occurrence to one node, and the import is all-or-nothing, so
/// a failed run changes nothing and the next occurrence tries again.
/// </summary>
public sealed class AdvisorySyncJobHandler(AdvisoryService advisories, IOptions<AdvisoryOptions> options, ILogger<AdvisorySyncJobHandler> logger) : IJobHandler
{
    public const string JobKind = "advisories.sync";

    /// <summary>The schedule's row in the job queue's schedules table.</summary>
    public const string ScheduleName = "advisories.sync";

    public string Kind => JobKind;

    /// <summary>The recurring job of the settings, or null when no source is set.</summary>
    public static RecurringJob? Recurring(AdvisoryOptions settings) =>
        settings.Enabled ? RecurringJob.OnCron(ScheduleName, JobKind, settings.ParsedSchedule()) : null;

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) return JobOutcome.GiveUp("Advisories:SyncFrom is not set on the node that ran this job");
        var from = settings.SyncFrom!.Trim();
        IReadOnlyList<AdvisoryFile> files;
        try
        {
            files = await AdvisorySource.ReadAsync(from, AdvisoryLimits.Default, cancellationToken);
        }
        catch (AdvisoryFormatException e)
        {
            logger.LogError("Scheduled advisory sync from {From} failed: {Reason}", from, e.Message);
            return JobOutcome.GiveUp(e.Message);
        }
        var report = await advisories.SyncAsync(files, AdvisoryLimits.Default, cancellationToken);
        if (report.Rejected.Count > 0)
        {
            var reason = $"nothing was imported ({report.Rejected.Count} problem(s)): {string.Join("; ", report.Rejected.Take(5))}";
            logger.LogError("Scheduled advisory sync from {From} failed: {Reason}", from, reason);
            return JobOutcome.GiveUp(reason);
        }
        return JobOutcome.Succeeded;
    }
}
