namespace GhostCrate.Packaging.Docs;

public enum DocsArchiveFormat
{
    Zip,
    TarGzip,
}

/// <summary>One file of an accepted archive: its path inside the documentation (prefix removed) and its size.</summary>
public sealed record DocsArchiveFile(string Path, long Size);

/// <summary>
/// What <see cref="DocsArchiveReader.Scan"/> found: an error, or the format, the files and the prefix that every
/// entry carried (`./`, `doc/`) and that is removed from the paths.
/// </summary>
public sealed record DocsArchiveScan(TarballError? Error, DocsArchiveFormat Format, IReadOnlyList<DocsArchiveFile> Files, string StrippedPrefix)
{
    public bool IsValid => Error is null;
    public long UnpackedBytes => Files.Sum(f => f.Size);

    internal static DocsArchiveScan Fail(TarballError error) => new(error, default, [], "");
    internal static DocsArchiveScan Fail(TarballErrorKind kind, string message) => Fail(new TarballError(kind, message));
}
