using GhostCrate.Core.Catalog;
using GhostCrate.Packaging.Source;
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
        var newer = await sources.OpenAsync(name, string.IsNullOrEmpty(to) ? null : to, Viewer, cancellationToken);
        if (newer is null) return NotFound();
        var older = Before(newer.Details.Versions, newer.Version);
        var fromVersion = string.IsNullOrEmpty(from) ? older : from;
        CrateName = newer.Name;
        Versions = newer.Details.Versions;
        To = newer.Version;
        if (fromVersion is null)
        {
            Problem = $"{To} is the first version of {newer.Name}: there is nothing to compare it with.";
            From = To;
            return Page();
        }
        var old = await sources.OpenAsync(name, fromVersion, Viewer, cancellationToken);
        if (old is null) return NotFound();
        if (old.Name != name || newer.Name != name || from != old.Version || to != newer.Version)
            return Redirect(SourcePaths.Diff(newer.Name, old.Version, newer.Version));
        From = old.Version;
        if (old.Bytes is not { } oldBytes || newer.Bytes is not { } newBytes)
        {
            Problem = "The .crate file of one of these versions is not in storage.";
            return Page();
        }
        var a = CrateSourceReader.ReadAll(oldBytes, old.Name, old.Version, CrateSources.MaxDiffFileBytes, CrateSources.MaxDiffTotalBytes, sources.Limits);
        var b = CrateSourceReader.ReadAll(newBytes, newer.Name, newer.Version, CrateSources.MaxDiffFileBytes, CrateSources.MaxDiffTotalBytes, sources.Limits);
        Problem = a.Error ?? b.Error;
        Result = SourceDiff.Compare(a, b);
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
