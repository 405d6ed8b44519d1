using GhostCrate.Core.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>The job queue (docs/notifications.md): counts by state, the newest jobs, and "retry now" for dead or waiting ones.</summary>
public sealed class JobsModel(JobAdminService jobs) : AdminPageModel
{
    public JobQueueStats? Stats { get; private set; }
    public IReadOnlyList<JobRecord> Jobs { get; private set; } = [];
    public JobState? Filter { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? state, CancellationToken cancellationToken)
    {
        Filter = Enum.TryParse<JobState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        return await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken cancellationToken)
    {
        var result = await jobs.RetryNowAsync(Caller, id, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        StatusMessage = $"Job {id} runs again now.";
        return await LoadAsync(cancellationToken);
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await jobs.OverviewAsync(Caller, Filter, 100, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        (Stats, Jobs) = result.Value;
        return Page();
    }
}
