using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Downloads;

/// <summary>
/// Keeps crates' recent downloads (the last <see cref="Days"/> UTC days, crates.io's "recent downloads") true as days
/// pass: queued hourly as the recurring job "downloads.recent_window" by one node, it moves the window's first day to
/// today minus <see cref="Days"/> − 1 and takes the days that left it off each crate. Search ranks each relevance group
/// by these counts (issue 23). Hourly rather than daily so that a window is never more than an hour late after midnight
/// UTC; a run with nothing to move reads one row.
/// </summary>
public sealed class RecentDownloadsWindowHandler(IDownloadStatsRepository stats, TimeProvider time) : IJobHandler
{
    public const string JobKind = "downloads.recent_window";

    /// <summary>crates.io's window for "recent downloads".</summary>
    public const int Days = 90;

    public static RecurringJob Schedule { get; } = new("downloads.recent_window", JobKind, TimeSpan.FromHours(1));

    public string Kind => JobKind;

    /// <summary>The first day of the window that ends today (UTC) at <paramref name="now"/>.</summary>
    public static DateOnly WindowStart(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime).AddDays(1 - Days);

    public async Task<JobOutcome> HandleAsync(JobRecord job, CancellationToken cancellationToken)
    {
        await stats.MoveRecentWindowAsync(WindowStart(time.GetUtcNow()), cancellationToken);
        return JobOutcome.Succeeded;
    }
}
