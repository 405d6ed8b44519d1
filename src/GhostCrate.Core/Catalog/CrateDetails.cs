using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Core.Catalog;

/// <summary>
/// Everything the crate page shows about one version of a crate. <see cref="Versions"/> is newest first (SemVer
/// order); <see cref="Metadata"/> is what cargo sent when publishing <see cref="Version"/> (features, links, keywords).
/// </summary>
public sealed record CrateDetails(
    CrateRecord Crate,
    VersionRecord Version,
    PublishMetadata Metadata,
    IReadOnlyList<VersionSummary> Versions,
    IReadOnlyList<DependencyInfo> Dependencies,
    IReadOnlyList<OwnerRecord> Owners,
    string? PublishedBy,
    IReadOnlyList<Organizations.GroupOwnerRecord> GroupOwners)
{
    /// <summary>True when <see cref="Version"/> is the version cargo picks by default (the newest non-yanked release).</summary>
    public bool IsDefaultVersion => string.Equals(Version.Version, Crate.MaxVersion, StringComparison.Ordinal);
}

/// <summary>Where a dependency comes from, which decides whether the UI can link to it.</summary>
public enum DependencySource
{
    /// <summary>This registry (cargo sends no registry for it): linked to its crate page here.</summary>
    ThisRegistry,
    /// <summary>crates.io: marked, and linked to crates.io.</summary>
    CratesIo,
    /// <summary>Any other registry (allowed by Registry:AllowedDependencyRegistries): shown with its index URL.</summary>
    OtherRegistry,
}

/// <summary>
/// One dependency of a version. <see cref="Name"/> is the package name; <see cref="Rename"/> the name used in
/// Cargo.toml when it differs. <see cref="Kind"/> is normal, build or dev.
/// </summary>
public sealed record DependencyInfo(
    string Name,
    string? Rename,
    string Req,
    string Kind,
    bool Optional,
    bool DefaultFeatures,
    IReadOnlyList<string> Features,
    string? Target,
    DependencySource Source,
    string? RegistryUrl);
