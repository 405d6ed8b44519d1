namespace GhostCrate.Core.Catalog;

public enum CrateSort
{
    Relevance,
    Downloads,
    RecentlyUpdated,
    Name,
}

/// <summary><see cref="CrateFileBytes"/>: the size of every published .crate file, i.e. the storage private crates use.</summary>
public sealed record RegistryCounts(long Crates, long Versions, long Downloads, long CrateFileBytes);

/// <summary>A version as the version list shows it. <see cref="PublishedBy"/> is the publisher's user name.</summary>
public sealed record VersionSummary(
    long Id,
    string Version,
    bool Yanked,
    long Downloads,
    long Size,
    string? License,
    DateTimeOffset CreatedAt,
    string? PublishedBy);

/// <summary>
/// A crate whose latest version depends on the crate in question. <see cref="Kind"/> is the strongest kind it uses
/// (normal before build before dev); <see cref="Optional"/> is true only when every such dependency is optional.
/// </summary>
public sealed record ReverseDependency(string Name, string? MaxVersion, string? Description, long Downloads, string Req, string Kind, bool Optional);

public sealed record ReverseDependencyPage(IReadOnlyList<ReverseDependency> Crates, long Total);
