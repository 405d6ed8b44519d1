using GhostCrate.Core.Backup;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>
/// Backups (docs/backup-and-restore.md): the schedule and its next run, the newest runs with their size, duration and
/// error, and "Back up now" (POST, then a redirect back here so a reload does not queue a second backup).
/// </summary>
public sealed class BackupsModel(BackupAdminService backups) : AdminPageModel
{
    public BackupOverview? Overview { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? done, long? job, CancellationToken cancellationToken)
    {
        if (done == "queued" && job is { } id) StatusMessage = $"Backup queued as job {id}; it appears below when it has run.";
        return await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await backups.RequestAsync(Caller, cancellationToken);
        if (result.Error is { } error)
        {
            await LoadAsync(cancellationToken);
            return Failed(error);
        }
        return Redirect($"/admin/backups?done=queued&job={result.Value}");
    }

    private async Task<IActionResult> LoadAsync(CancellationToken cancellationToken)
    {
        var result = await backups.OverviewAsync(Caller, 50, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        Overview = result.Value;
        return Page();
    }
}
