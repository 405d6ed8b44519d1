namespace GhostCrate.Packaging.Docs;

/// <summary>
/// Bounds on an uploaded rustdoc archive. <see cref="MaxUnpackedBytes"/> caps the bytes of the files (and, for
/// tar, the decompressed stream with its headers); <see cref="MaxPathBytes"/> the UTF-8 length of one file's path
/// inside the documentation (storage keys are limited: S3 allows 1024 bytes per key).
/// </summary>
public sealed record DocsArchiveLimits(long MaxUnpackedBytes, int MaxEntries, int MaxPathBytes);
