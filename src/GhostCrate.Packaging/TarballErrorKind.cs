namespace GhostCrate.Packaging;

public enum TarballErrorKind
{
    NotGzip,
    /// <summary>Gzip data is truncated, fails its CRC, or is otherwise undecodable.</summary>
    CorruptGzip,
    CorruptTar,
    /// <summary>An entry lies outside `{name}-{version}/`.</summary>
    WrongPrefix,
    PathTraversal,
    AbsolutePath,
    /// <summary>Backslashes, control or Windows-reserved characters, `.` or empty segments.</summary>
    InvalidPath,
    /// <summary>Anything but a regular file or directory: links, devices, fifos, pax globals...</summary>
    UnsupportedEntryType,
    UnpackedSizeExceeded,
    TooManyEntries,
    /// <summary>The same file path appears twice.</summary>
    DuplicateEntry,
    /// <summary>More than one root Cargo.toml (compared case-insensitively).</summary>
    DuplicateManifest,
    MissingManifest,
    InvalidManifest,
    NameMismatch,
    VersionMismatch,
    /// <summary>A path longer than the archive's limit (rustdoc uploads: storage keys have a maximum length).</summary>
    PathTooLong,
    /// <summary>Neither zip nor gzip-compressed tar (rustdoc uploads, detected by content).</summary>
    UnknownFormat,
    /// <summary>An archive with no file at all, or without the file that makes it what it claims to be.</summary>
    Empty,
}
