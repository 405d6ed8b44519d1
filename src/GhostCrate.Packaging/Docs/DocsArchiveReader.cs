using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using GhostCrate.Packaging.Tarball;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Packaging.Docs;

/// <summary>
/// Checks an uploaded rustdoc archive (a zip or a gzip-compressed tar of `target/doc`, told apart by its first bytes)
/// before anything is stored. Pure like <see cref="CrateTarballValidator"/>: it reads only the given bytes and reports
/// every problem as a value. The path rules are the .crate rules (<see cref="EntryRules.CheckPath"/>): no absolute
/// paths, no `..` (zip slip), no backslashes or control characters; only regular files and directories (no links,
/// devices or fifos), within limits on entries, unpacked bytes and path length.
/// </summary>
public static class DocsArchiveReader
{
    private const string Archive = "the documentation archive";
    private const string DocFolder = "doc/";

    /// <summary>`PK\3\4` starts a zip with entries, `PK\5\6` an empty one (APPNOTE.TXT 4.3.7, 4.3.16).</summary>
    public static DocsArchiveFormat? Detect(ReadOnlySpan<byte> archive)
    {
        if (archive.Length >= 4 && archive[0] == 'P' && archive[1] == 'K' && ((archive[2] == 3 && archive[3] == 4) || (archive[2] == 5 && archive[3] == 6)))
            return DocsArchiveFormat.Zip;
        if (GzipTrailer.HasGzipHeader(archive)) return DocsArchiveFormat.TarGzip;
        return null;
    }

    public static DocsArchiveScan Scan(ReadOnlyMemory<byte> archive, DocsArchiveLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var format = Detect(archive.Span);
        if (format is null)
            return DocsArchiveScan.Fail(TarballErrorKind.UnknownFormat,
                "the documentation archive is neither a zip nor a .tar.gz; upload `target/doc` packed with `zip -r` or `tar -czf`");

        var entries = new List<(string Name, long Size)>();
        var error = format == DocsArchiveFormat.Zip ? ScanZip(archive, limits, entries) : ScanTar(archive, limits, entries);
        return error is not null ? DocsArchiveScan.Fail(error) : Conclude(format.Value, entries, limits);
    }

    /// <summary>
    /// The files of an archive that <see cref="Scan"/> accepted, in archive order. Each stream is valid until the
    /// next item is requested.
    /// </summary>
    public static IEnumerable<(DocsArchiveFile File, Stream Content)> ReadFiles(ReadOnlyMemory<byte> archive, DocsArchiveScan scan)
    {
        if (!scan.IsValid) throw new ArgumentException("only an accepted archive can be read", nameof(scan));
        var byPath = scan.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        if (scan.Format == DocsArchiveFormat.Zip)
        {
            using var zip = new ZipArchive(OpenSource(archive), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                if (IsZipDirectory(entry) || Normalize(entry.FullName, scan.StrippedPrefix) is not { } path || !byPath.TryGetValue(path, out var file)) continue;
                using var content = entry.Open();
                yield return (file, content);
            }
        }
        else
        {
            using var pipeline = new TarPipeline(archive, long.MaxValue);
            while (pipeline.Reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType == TarEntryType.Directory || Normalize(entry.Name, scan.StrippedPrefix) is not { } path || !byPath.TryGetValue(path, out var file)) continue;
                yield return (file, entry.DataStream ?? Stream.Null);
            }
        }
    }

    private static TarballError? ScanTar(ReadOnlyMemory<byte> archive, DocsArchiveLimits limits, List<(string Name, long Size)> files)
    {
        using var pipeline = new TarPipeline(archive, limits.MaxUnpackedBytes);
        Exception? tarFailure = null;
        var count = 0;
        try
        {
            while (pipeline.Reader.GetNextEntry() is { } entry)
            {
                // Counted as they arrive: a million empty entries compress to almost nothing.
                if (++count > limits.MaxEntries) return TooMany(limits);
                // Links point or alias anywhere on the machine that unpacks them; devices and fifos can hang a reader.
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory))
                    return new TarballError(TarballErrorKind.UnsupportedEntryType,
                        $"{Archive} contains `{Echo(entry.Name)}`, which is a {EntryRules.Describe(entry.EntryType)}; only regular files and directories are allowed");
                var isDirectory = entry.EntryType == TarEntryType.Directory;
                if (CheckName(entry.Name, isDirectory) is { } pathError) return pathError;
                if (!isDirectory) files.Add((entry.Name, entry.Length));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            tarFailure = ex;
        }

        if (pipeline.Guard.Failure is { } guardFailure)
            return guardFailure.Kind == TarballErrorKind.UnpackedSizeExceeded
                ? TooLarge(limits)
                : guardFailure with { Message = guardFailure.Message.Replace("the .crate file", Archive, StringComparison.Ordinal) };
        if (!pipeline.Meter.LimitExceeded) pipeline.Meter.Drain();
        if (pipeline.Meter.LimitExceeded) return TooLarge(limits);
        if (pipeline.Meter.InflateFailure is { } inflateFailure)
            return new TarballError(TarballErrorKind.CorruptGzip, $"{Archive} is not valid gzip data: {inflateFailure.Message}");
        // GZipStream reports a truncated stream as a normal end, so compare against the gzip trailer.
        if (!GzipTrailer.Matches(archive.Span, pipeline.Meter.Crc, pipeline.Meter.BytesProduced))
            return new TarballError(TarballErrorKind.CorruptGzip, $"{Archive} is truncated or corrupt (its gzip checksum does not match)");
        if (tarFailure is not null)
            return new TarballError(TarballErrorKind.CorruptTar, $"{Archive} is not a valid tar archive: {tarFailure.Message}");
        return null;
    }

    private static TarballError? ScanZip(ReadOnlyMemory<byte> archive, DocsArchiveLimits limits, List<(string Name, long Size)> files)
    {
        // The end-of-central-directory record says how many entries follow: refuse too many before .NET builds an
        // object for each of them (zip64's 0xFFFF marker means more than any docs limit allows).
        if (DeclaredZipEntries(archive.Span) is { } declared && declared > limits.MaxEntries) return TooMany(limits);
        try
        {
            using var zip = new ZipArchive(OpenSource(archive), ZipArchiveMode.Read);
            if (zip.Entries.Count > limits.MaxEntries) return TooMany(limits);
            long total = 0;
            var buffer = new byte[64 * 1024];
            foreach (var entry in zip.Entries)
            {
                var isDirectory = IsZipDirectory(entry);
                // Unix tools keep the file mode in the upper 16 bits of the external attributes: links and devices
                // are refused as in a tar; 0 means a tool that records no type (a plain file or directory).
                var type = ((uint)entry.ExternalAttributes >> 16) & 0xF000u;
                if (type is not (0u or 0x8000u or 0x4000u))
                    return new TarballError(TarballErrorKind.UnsupportedEntryType,
                        $"{Archive} contains `{Echo(entry.FullName)}`, which is a {DescribeMode(type)}; only regular files and directories are allowed");
                if (CheckName(entry.FullName, isDirectory) is { } pathError) return pathError;
                if (isDirectory) continue;
                if (entry.Length > limits.MaxUnpackedBytes - total) return TooLarge(limits);

                // The declared size may lie: count what inflating really produces, and stop one byte past the limit.
                long produced = 0;
                using (var content = entry.Open())
                {
                    int read;
                    while ((read = content.Read(buffer, 0, (int)Math.Min(buffer.Length, limits.MaxUnpackedBytes - total - produced + 1))) > 0)
                    {
                        produced += read;
                        if (total + produced > limits.MaxUnpackedBytes) return TooLarge(limits);
                    }
                }
                total += produced;
                files.Add((entry.FullName, produced));
            }
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
        {
            return new TarballError(TarballErrorKind.CorruptTar, $"{Archive} is not a valid zip file: {ex.Message}");
        }
    }

    private static DocsArchiveScan Conclude(DocsArchiveFormat format, List<(string Name, long Size)> entries, DocsArchiveLimits limits)
    {
        // `zip -r docs.zip doc` and `tar -czf docs.tar.gz -C target doc` put everything under `doc/`; the archive
        // of the folder's contents has the files at the top. Both serve the same pages.
        var prefix = entries.Count > 0 && entries.All(e => StripDot(e.Name).StartsWith(DocFolder, StringComparison.Ordinal)) ? DocFolder : "";
        var files = new List<DocsArchiveFile>(entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, size) in entries)
        {
            var path = Normalize(name, prefix)!;
            if (Encoding.UTF8.GetByteCount(path) > limits.MaxPathBytes)
                return DocsArchiveScan.Fail(TarballErrorKind.PathTooLong,
                    $"{Archive} contains a path longer than {limits.MaxPathBytes} bytes, this registry's limit: `{Echo(path)}`");
            // Two entries with one path: what was checked need not be what is served.
            if (!seen.Add(path)) return DocsArchiveScan.Fail(TarballErrorKind.DuplicateEntry, $"{Archive} contains `{Echo(path)}` more than once");
            files.Add(new DocsArchiveFile(path, size));
        }
        // A file and a folder of one name cannot both be stored (a file system store would fail half-way).
        foreach (var file in files)
        {
            for (var slash = file.Path.IndexOf('/'); slash > 0; slash = file.Path.IndexOf('/', slash + 1))
            {
                if (seen.Contains(file.Path[..slash]))
                    return DocsArchiveScan.Fail(TarballErrorKind.DuplicateEntry, $"{Archive} contains `{Echo(file.Path[..slash])}` both as a file and as a folder");
            }
        }
        if (files.Count == 0) return DocsArchiveScan.Fail(TarballErrorKind.Empty, $"{Archive} contains no files");
        return new DocsArchiveScan(null, format, files, prefix);
    }

    private static TarballError? CheckName(string name, bool isDirectory)
    {
        var stripped = StripDot(name);
        // The root itself (`./` from `tar -C target/doc .`) is no entry of the documentation.
        if (isDirectory && stripped.Length == 0) return null;
        return EntryRules.CheckPath(stripped, isDirectory, Archive);
    }

    /// <summary>The path served for an entry name, or null for the root directory entry.</summary>
    private static string? Normalize(string name, string prefix)
    {
        var path = StripDot(name);
        if (prefix.Length > 0 && path.StartsWith(prefix, StringComparison.Ordinal)) path = path[prefix.Length..];
        return path.Length == 0 ? null : path;
    }

    /// <summary>`tar -C target/doc -czf docs.tar.gz .` writes every name as `./...`.</summary>
    private static string StripDot(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name == "." ? "" : name;

    private static bool IsZipDirectory(ZipArchiveEntry entry) => entry.FullName.EndsWith('/') && entry.Length == 0;

    /// <summary>The total entry count of the end-of-central-directory record (APPNOTE.TXT 4.3.16), when it is found.</summary>
    private static int? DeclaredZipEntries(ReadOnlySpan<byte> zip)
    {
        const int RecordLength = 22;
        // The record sits at the end, followed by a comment of at most 65535 bytes.
        for (var at = zip.Length - RecordLength; at >= Math.Max(0, zip.Length - RecordLength - ushort.MaxValue); at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip[at..]) == 0x06054B50)
                return BinaryPrimitives.ReadUInt16LittleEndian(zip[(at + 10)..]);
        }
        return null;
    }

    private static string DescribeMode(uint type) => type switch
    {
        0xA000 => "symbolic link",
        0x2000 => "character device",
        0x6000 => "block device",
        0x1000 => "fifo (named pipe)",
        0xC000 => "socket",
        _ => $"special file (type {type >> 12})",
    };

    private static TarballError TooMany(DocsArchiveLimits limits) =>
        new(TarballErrorKind.TooManyEntries, $"{Archive} has more than {limits.MaxEntries} entries, this registry's limit");

    private static TarballError TooLarge(DocsArchiveLimits limits) =>
        new(TarballErrorKind.UnpackedSizeExceeded, $"{Archive} unpacks to more than {ByteSize.Format(limits.MaxUnpackedBytes)}, this registry's limit");

    private static MemoryStream OpenSource(ReadOnlyMemory<byte> archive) =>
        MemoryMarshal.TryGetArray(archive, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(archive.ToArray(), writable: false);

    private static string Echo(string path) => path.Length <= 200 ? path : path[..200] + "…";
}
