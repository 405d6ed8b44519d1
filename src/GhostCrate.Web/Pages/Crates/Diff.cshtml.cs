using GhostCrate.Core.Catalog;
using GhostCrate.Web.Ui.Source;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

/// <summary>
/// What changed between two versions of a private crate: files added, removed and changed, with a unified diff per
/// changed text file (docs/ui.md). `from` defaults to the version before `to`, `to` to the newest version.
/// </summary>
public sealed class DiffModel(CrateSources sources) : UiPageModel
{
    public string CrateName { get; private set; } = "";
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public IReadOnlyList<VersionSummary> Versions { get; private set; } = [];
    public CrateDiff? Result { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, string? from, string? to, CancellationToken cancellationToken)
    {
        var newer = await sources.FindAsync(name, string.IsNullOrEmpty(to) ? null : to, Viewer, cancellationToken);
        if (newer is null) return NotFound();
        var fromVersion = string.IsNullOrEmpty(from) ? Before(newer.Versions, newer.Version.Version) : from;
        CrateName = newer.Crate.Name;
        Versions = newer.Versions;
        To = newer.Version.Version;
        if (fromVersion is null)
        {
            Problem = $"{To} is the first version of {CrateName}: there is nothing to compare it with.";
            From = To;
            return Page();
        }
        var old = await sources.FindAsync(name, fromVersion, Viewer, cancellationToken);
        if (old is null) return NotFound();
        From = old.Version.Version;
        if (CrateName != name || from != From || to != To) return Redirect(SourcePaths.Diff(CrateName, From, To));
        if (await sources.DiffAsync(old, newer, cancellationToken) is not { } diff)
        {
            Problem = "The .crate file of one of these versions is not in storage.";
            return Page();
        }
        (Result, Problem) = diff;
        return Page();
    }

    /// <summary>The version just below <paramref name="version"/> in a newest-first list, or null.</summary>
    public static string? Before(IReadOnlyList<VersionSummary> newestFirst, string version)
    {
        for (var i = 0; i < newestFirst.Count - 1; i++)
            if (newestFirst[i].Version == version) return newestFirst[i + 1].Version;
        return null;
    }
}
