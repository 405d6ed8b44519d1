namespace GhostCrate.Packaging;

/// <summary>
/// Bounds on what a .crate may expand to. <see cref="MaxUnpackedBytes"/> caps the decompressed tar stream
/// (headers included), as crates.io's `max_unpack_size` does.
/// </summary>
public sealed record TarballLimits(long MaxUnpackedBytes, int MaxEntries)
{
    /// <summary>The default of <see cref="LargeFileBytes"/> (`Publishing:LargeFileBytes`).</summary>
    public const long DefaultLargeFileBytes = 10L * 1024 * 1024;

    /// <summary>A file larger than this is flagged (<see cref="Content.ContentFlagKinds.LargeFile"/>), not refused.</summary>
    public long LargeFileBytes { get; init; } = DefaultLargeFileBytes;
}
