using GhostCrate.Core.Deletion;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Admin;

/// <summary>/admin/deleted: every deleted version with its tombstone (when, by whom, why), newest first (docs/security.md "Deleting crates and versions").</summary>
public sealed class DeletedModel(DeletionService deletions) : AdminPageModel
{
    public const int PerPage = 50;

    public IReadOnlyList<DeletedVersion> Deleted { get; private set; } = [];
    public long Total { get; private set; }
    public int CurrentPage { get; private set; } = 1;
    public int Pages => (int)Math.Max(1, (Total + PerPage - 1) / PerPage);

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        CurrentPage = Math.Max(pageNumber ?? 1, 1);
        var result = await deletions.ListDeletedAsync(Caller, CurrentPage, PerPage, cancellationToken);
        if (result.Error is { } error) return Failed(error);
        (Deleted, Total) = result.Value;
        return Page();
    }
}
