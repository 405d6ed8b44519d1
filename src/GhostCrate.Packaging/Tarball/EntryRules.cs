using System.Formats.Tar;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// Per-entry checks, modelled on crates.io's crates_io_tarball. Each rule says which attack it stops;
/// all of them reject things `cargo package` never produces, so legitimate crates are unaffected.
/// </summary>
internal static class EntryRules
{
    private const int MaxEchoedPath = 200;

    // Characters cargo itself refuses to package (they are invalid in Windows file names);
    // ':' also covers drive letters (`C:`) and NTFS alternate data streams (`file:stream`).
    private static readonly char[] WindowsReserved = ['<', '>', ':', '"', '|', '?', '*'];

    public static TarballError? Check(TarEntry entry, string prefix)
    {
        var name = entry.Name;
        // Links can point (or, for hard links, alias) anywhere on the machine that unpacks the crate:
        // extracting `foo -> /home/user/.ssh` and then writing `foo/authorized_keys` escapes the target dir.
        // Devices and fifos have no business in source code and can hang or harm an extractor.
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory))
            return new TarballError(TarballErrorKind.UnsupportedEntryType,
                $"the .crate file contains `{Echo(name)}`, which is a {Describe(entry.EntryType)}; a .crate may only contain regular files and directories");

        var isDirectory = entry.EntryType == TarEntryType.Directory;
        if (CheckPath(name, isDirectory, "the .crate file") is { } pathError) return pathError;

        // Everything must live under `{name}-{version}/`: older cargo extracted archives into a shared
        // directory without checking, so a crate could overwrite another crate's sources there.
        var isRootDirectory = isDirectory && (name == prefix || name == prefix[..^1]);
        if (!isRootDirectory && !name.StartsWith(prefix, StringComparison.Ordinal))
            return new TarballError(TarballErrorKind.WrongPrefix,
                $"the .crate file contains `{Echo(name)}`, outside the `{prefix}` directory every file must be in");

        return null;
    }

    /// <summary>
    /// The path rules alone, for any archive format (a .crate, an uploaded rustdoc archive): <paramref name="archive"/>
    /// names the archive in messages ("the .crate file").
    /// </summary>
    public static TarballError? CheckPath(string name, bool isDirectory, string archive)
    {
        var shown = Echo(name);
        if (name.Length == 0)
            return new TarballError(TarballErrorKind.InvalidPath, $"{archive} contains an entry with an empty path");

        // Control characters (NUL, newline, escape sequences) in names confuse terminals, logs and extractors.
        if (name.Any(c => c < 0x20 || c == 0x7F))
            return new TarballError(TarballErrorKind.InvalidPath,
                $"{archive} contains a path with a control character: `{Sanitize(shown)}`");

        // A backslash is a separator on Windows: `a\..\..\evil` would traverse there while looking harmless here.
        if (name.Contains('\\'))
            return new TarballError(TarballErrorKind.InvalidPath,
                $"{archive} contains a path with a backslash: `{shown}`; archive paths must use `/`");

        // Absolute paths would be written wherever the attacker chose, outside the extraction directory.
        if (name[0] == '/' || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':'))
            return new TarballError(TarballErrorKind.AbsolutePath,
                $"{archive} contains an absolute path: `{shown}`");

        if (name.IndexOfAny(WindowsReserved) >= 0)
            return new TarballError(TarballErrorKind.InvalidPath,
                $"{archive} contains `{shown}`, whose name uses a character that is invalid on Windows (< > : \" | ? *)");

        var segments = name.Split('/');
        var lastIndex = isDirectory && name.EndsWith('/') ? segments.Length - 2 : segments.Length - 1;
        for (var i = 0; i < segments.Length; i++)
        {
            // `..` climbs out of the extraction directory (path traversal, "zip slip").
            if (segments[i] == "..")
                return new TarballError(TarballErrorKind.PathTraversal,
                    $"{archive} contains a path that climbs out of the package with `..`: `{shown}`");
            // `a/./Cargo.toml` or `a//Cargo.toml` is the same file to an extractor but not to a string
            // comparison: it would slip a second manifest past the duplicate check.
            if (i <= lastIndex && segments[i] is "" or ".")
                return new TarballError(TarballErrorKind.InvalidPath,
                    $"{archive} contains a non-canonical path (empty or `.` segment): `{shown}`");
        }
        return null;
    }

    internal static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.SymbolicLink => "symbolic link",
        TarEntryType.HardLink => "hard link",
        TarEntryType.CharacterDevice => "character device",
        TarEntryType.BlockDevice => "block device",
        TarEntryType.Fifo => "fifo (named pipe)",
        TarEntryType.GlobalExtendedAttributes => "pax global header",
        TarEntryType.SparseFile => "sparse file",
        _ => $"tar entry of type `{(char)type}`",
    };

    private static string Echo(string path) => path.Length <= MaxEchoedPath ? path : path[..MaxEchoedPath] + "…";

    private static string Sanitize(string path) =>
        string.Concat(path.Select(c => c < 0x20 || c == 0x7F ? $"\\x{(int)c:X2}" : c.ToString()));
}
