using GhostCrate.Core.Advisories;

namespace GhostCrate.Core.Sbom;

/// <summary>Whether a component is needed to run the code or only to build it (a build script's dependency).</summary>
public enum SbomScope
{
    Normal,
    Build,
}

/// <summary>
/// One package of a bill of materials. <see cref="Version"/> is null for a dependency that could not be resolved (its
/// registry's index is not available here); <see cref="Requirement"/> then says what it asked for and
/// <see cref="Note"/> why it is unresolved. <see cref="RepositoryUrl"/> is the index URL of a registry other than
/// crates.io (null for crates.io, the purl default).
/// </summary>
public sealed record SbomComponent(
    string Ref,
    string Name,
    string? Version,
    string? RepositoryUrl,
    string? Sha256,
    string? License,
    SbomScope Scope,
    string? Requirement = null,
    string? Note = null,
    string? Target = null,
    bool IsRegistryPackage = true)
{
    public bool Resolved => Version is not null;

    /// <summary>The purl (https://github.com/package-url/purl-spec), or null for an unresolved dependency (no version) or a path/git package.</summary>
    public string? Purl => Version is null || !IsRegistryPackage ? null : SbomPurl.Cargo(Name, Version, RepositoryUrl);
}

/// <summary>The direct dependencies of one component, by <see cref="SbomComponent.Ref"/>.</summary>
public sealed record SbomEdge(string From, IReadOnlyList<string> To);

/// <summary>
/// A bill of materials: the described package (<see cref="Root"/>, null for a lock file, whose root is the
/// workspace), every other component, the dependency edges, and the advisories that affect its components.
/// </summary>
public sealed record SbomDocument(
    string Name,
    SbomComponent? Root,
    IReadOnlyList<SbomComponent> Components,
    IReadOnlyList<SbomEdge> Dependencies,
    IReadOnlyList<AuditFinding> Findings,
    DateTimeOffset CreatedAt,
    Guid Serial);

/// <summary>The two formats served (CycloneDX 1.5 JSON, SPDX 2.3 JSON).</summary>
public enum SbomFormat
{
    CycloneDx,
    Spdx,
}

public static class SbomFormats
{
    public static bool TryParse(string? text, out SbomFormat format)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "cyclonedx" or "cdx":
                format = SbomFormat.CycloneDx;
                return true;
            case "spdx":
                format = SbomFormat.Spdx;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static string ContentType(SbomFormat format) => format == SbomFormat.CycloneDx
        ? "application/vnd.cyclonedx+json; version=1.5"
        : "application/spdx+json";
}
