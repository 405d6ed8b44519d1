using GhostCrate.Packaging.Source;
using GhostCrate.Web.Ui.Source;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

/// <summary>
/// The read-only source browser of a private version: a folder listing of its .crate, or one file with line numbers
/// and highlighting (docs/ui.md). Nothing is unpacked to disk; every read is capped.
/// </summary>
public sealed class SourceModel(CrateSources sources) : UiPageModel
{
    public string CrateName { get; private set; } = "";
    public string Version { get; private set; } = "";
    /// <summary>The folder or file shown, relative to the package root ("" for the root).</summary>
    public string Path { get; private set; } = "";
    public IReadOnlyList<SourceFolderEntry> Entries { get; private set; } = [];
    public CrateSourceFile? SourceFile { get; private set; }
    /// <summary>The file's lines as HTML; null for binary content.</summary>
    public IReadOnlyList<string>? Lines { get; private set; }
    /// <summary>The version before this one (SemVer order), for the "compare" link; null for the first.</summary>
    public string? PreviousVersion { get; private set; }
    /// <summary>Why the .crate could not be shown (missing blob, unreadable archive), else null.</summary>
    public string? Problem { get; private set; }

    /// <summary>True when the version is held for approval and an administrator is reviewing it (/admin/held).</summary>
    public bool Held { get; private set; }

    public async Task<IActionResult> OnGetAsync(string name, string version, string? path, CancellationToken cancellationToken)
    {
        var found = await sources.FindAsync(name, version, Viewer, cancellationToken);
        if (found is null && await sources.FindHeldForReviewAsync(name, version, Viewer, cancellationToken) is { } held)
        {
            found = held;
            Held = true;
            // Reviewers' pages of unapproved content are never kept by a cache.
            Response.Headers.CacheControl = "no-store";
        }
        if (found is null) return NotFound();
        if (found.Crate.Name != name || found.Version.Version != version)
            return RedirectPermanent(SourcePaths.Of(found.Crate.Name, found.Version.Version, path ?? ""));
        (CrateName, Version, Path) = (found.Crate.Name, found.Version.Version, (path ?? "").Trim('/'));
        PreviousVersion = DiffModel.Before(found.Versions, Version);
        if (await sources.ListAsync(found, cancellationToken) is not { } listing)
        {
            Problem = "The .crate file of this version is not in storage.";
            return Page();
        }

        Problem = listing.Error;
        if (listing.Files.Any(f => f.Path == Path))
        {
            SourceFile = await sources.ReadFileAsync(found, Path, CrateSources.MaxShownFileBytes, cancellationToken);
            if (SourceFile?.Content is { } content && SourceText.Decode(content, SourceFile.Truncated) is { } text)
                Lines = SourceLines.Render(text, SourceText.LanguageOf(Path));
            return Page();
        }
        Entries = SourceFolderEntry.In(listing.Files, Path);
        return Entries.Count == 0 && Path.Length > 0 ? NotFound() : Page();
    }
}

/// <summary>One row of a folder listing: a file, or a sub-folder with how many files it holds.</summary>
public sealed record SourceFolderEntry(string Name, string Path, bool IsFolder, long Size, int FileCount)
{
    public static IReadOnlyList<SourceFolderEntry> In(IReadOnlyList<CrateSourceEntry> files, string folder)
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var rows = new Dictionary<string, SourceFolderEntry>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var rest = file.Path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                rows[rest] = new SourceFolderEntry(rest, file.Path, false, file.Size, 1);
                continue;
            }
            var sub = rest[..slash];
            rows[sub + "/"] = rows.TryGetValue(sub + "/", out var seen)
                ? seen with { Size = seen.Size + file.Size, FileCount = seen.FileCount + 1 }
                : new SourceFolderEntry(sub, prefix + sub, true, file.Size, 1);
        }
        // Folders first, then files, each by name (as file browsers list them).
        return [.. rows.Values.OrderByDescending(r => r.IsFolder).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }
}

/// <summary>Addresses of the source browser and the diff.</summary>
public static class SourcePaths
{
    public static string Of(string name, string version, string path) => InVersion(name, version, "source", path);

    /// <summary>A file of the .crate served as an image (Pages/Crates/Raw, <see cref="Ui.Source.CrateImages"/>).</summary>
    public static string Raw(string name, string version, string path) => InVersion(name, version, "raw", path);

    private static string InVersion(string name, string version, string area, string path) =>
        $"/crates/{name}/{Uri.EscapeDataString(version)}/{area}/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));

    public static string Diff(string name, string from, string to) =>
        $"/crates/{name}/diff?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}";
}
