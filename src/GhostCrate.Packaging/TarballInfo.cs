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
    /// <summary>`package.edition` of the packaged manifest (2015 when absent).</summary>
    public string Edition { get; init; } = "2015";
    /// <summary>The binary targets the package builds (declared or discovered); empty for a library-only crate.</summary>
    public IReadOnlyList<string> Binaries { get; init; } = [];
    /// <summary>The package has a library target (something `cargo add` can depend on).</summary>
    public bool HasLibrary { get; init; }
    /// <summary>What deserves a reviewer's look (build script, native code, executable bits, ...); empty for a plain crate.</summary>
    public IReadOnlyList<Content.ContentFlag> ContentFlags { get; init; } = [];
}
