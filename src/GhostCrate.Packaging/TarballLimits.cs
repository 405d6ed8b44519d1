namespace GhostCrate.Packaging;

/// <summary>
/// Bounds on what a .crate may expand to. <see cref="MaxUnpackedBytes"/> caps the decompressed tar stream
/// (headers included), as crates.io's `max_unpack_size` does.
/// </summary>
public sealed record TarballLimits(long MaxUnpackedBytes, int MaxEntries);
