using GhostCrate.Web.Ui.Source;

namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// The files of the version whose README is rendered, so that its relative images can be served from the .crate
/// itself (the exact bytes of that version, with no request to a git host: what an air-gapped site needs) and its
/// relative links can open the source browser when no repository host is known.
/// </summary>
public sealed record ReadmeCrateFiles(string Name, string Version, IReadOnlySet<string> Paths)
{
    /// <summary>The address of an image file of the .crate, or null when the .crate has no such image.</summary>
    public string? Image(string readmeDirectory, string relative)
    {
        if (Resolve(readmeDirectory, relative) is not { } path || CrateImages.ContentType(path) is null || !Paths.Contains(path)) return null;
        return Pages.Crates.SourcePaths.Raw(Name, Version, path);
    }

    /// <summary>The source browser's page of a file or folder of the .crate (with the link's #fragment), or null.</summary>
    public string? Source(string readmeDirectory, string relative)
    {
        if (Resolve(readmeDirectory, relative) is not { } path) return null;
        var isFolder = path.Length == 0 || Paths.Any(p => p.StartsWith(path + "/", StringComparison.Ordinal));
        if (!isFolder && !Paths.Contains(path)) return null;
        var hash = relative.IndexOf('#');
        return Pages.Crates.SourcePaths.Of(Name, Version, path) + (hash >= 0 ? relative[hash..] : "");
    }

    private static string? Resolve(string readmeDirectory, string relative) =>
        UrlPolicy.ResolvePath(readmeDirectory, relative) is { } resolved ? Uri.UnescapeDataString(resolved.Path) : null;
}
