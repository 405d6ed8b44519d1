namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>The checkout these tests were built from (the folder holding GhostCrate.slnx), and the build configuration.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string?> Lazy = new(Find);

    /// <summary>The repository's root folder, or null when the tests run outside a checkout.</summary>
    public static string? PathOrNull => Lazy.Value;

    public static string Path => Lazy.Value ?? throw new DirectoryNotFoundException($"no GhostCrate.slnx above {AppContext.BaseDirectory}");

    /// <summary>This assembly runs from tests/GhostCrate.EndToEnd/bin/{Configuration}/{tfm}/.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";

    public static string TargetFramework => new DirectoryInfo(AppContext.BaseDirectory).Name;

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GhostCrate.slnx"))) return dir.FullName;
        }
        return null;
    }
}
