namespace GhostCrate.Packaging;

/// <summary>What a valid .crate revealed.</summary>
public sealed record TarballInfo
{
    /// <summary>The readme named by `package.readme` (else README.md), at most 1 MiB, or null when there is none.</summary>
    public string? Readme { get; init; }
    public string? ManifestName { get; init; }
    public string? ManifestVersion { get; init; }
    /// <summary>Size of the decompressed tar stream in bytes.</summary>
    public long UnpackedSize { get; init; }
    /// <summary>Number of tar entries (files and directories).</summary>
    public int EntryCount { get; init; }
}
