using GhostCrate.Packaging;

namespace GhostCrate.Core.Options;

/// <summary>Section Publishing: what publish looks for in a .crate (docs/security.md "Content flags").</summary>
public sealed class ContentCheckOptions
{
    public const string Section = "Publishing";

    /// <summary>A file in a .crate larger than this is flagged `large_file` (not refused: Registry:MaxUnpackedSizeBytes refuses).</summary>
    public long LargeFileBytes { get; set; } = TarballLimits.DefaultLargeFileBytes;

    public static IEnumerable<string> Validate(ContentCheckOptions options)
    {
        if (options.LargeFileBytes <= 0) yield return $"{Section}:LargeFileBytes must be positive (got {options.LargeFileBytes})";
    }
}
