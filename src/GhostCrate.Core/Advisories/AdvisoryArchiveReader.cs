using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Reads the advisory files of a RustSec database export: a directory (a checkout of rustsec/advisory-db) or a
/// .tar / .tar.gz of one (for example carried into an air gap in a mirror bundle). Only
/// `crates/&lt;name&gt;/RUSTSEC-*.md` files are read; everything else in the export is ignored. Every count and size
/// is bounded because a tarball may come from anywhere.
/// </summary>
public static partial class AdvisoryArchiveReader
{
    public const int MaxFiles = 20_000;
    public const long MaxTotalBytes = 256L * 1024 * 1024;

    public static async Task<IReadOnlyList<AdvisoryFile>> ReadAsync(string path, AdvisoryLimits limits, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) return await ReadDirectoryAsync(path, limits, cancellationToken);
        if (File.Exists(path)) return await ReadTarballAsync(path, limits, cancellationToken);
        throw new AdvisoryFormatException($"`{path}` is neither a directory nor a file");
    }

    private static async Task<IReadOnlyList<AdvisoryFile>> ReadDirectoryAsync(string root, AdvisoryLimits limits, CancellationToken ct)
    {
        var crates = Path.Combine(root, "crates");
        if (!Directory.Exists(crates)) throw new AdvisoryFormatException($"`{root}` has no crates/ directory (expected a checkout of rustsec/advisory-db)");
        var files = new List<AdvisoryFile>();
        foreach (var file in Directory.EnumerateFiles(crates, "*.md", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (!AdvisoryPath().IsMatch(relative)) continue;
            if (files.Count >= MaxFiles) throw new AdvisoryFormatException($"more than {MaxFiles} advisory files");
            if (new FileInfo(file).Length > limits.MaxFileBytes) throw new AdvisoryFormatException($"{relative}: larger than {limits.MaxFileBytes} bytes");
            files.Add(new AdvisoryFile(relative, await File.ReadAllTextAsync(file, Encoding.UTF8, ct)));
        }
        return files;
    }

    private static async Task<IReadOnlyList<AdvisoryFile>> ReadTarballAsync(string path, AdvisoryLimits limits, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        var gzip = new byte[2];
        var read = await file.ReadAtLeastAsync(gzip, 2, throwOnEndOfStream: false, ct);
        file.Position = 0;
        Stream stream = read == 2 && gzip[0] == 0x1f && gzip[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        await using var _ = stream;
        var files = new List<AdvisoryFile>();
        long total = 0;
        try
        {
            await using var tar = new TarReader(stream);
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                total += entry.Length;
                if (total > MaxTotalBytes) throw new AdvisoryFormatException($"the archive holds more than {MaxTotalBytes} bytes");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                // GitHub's tarballs put everything under one top directory (advisory-db-main/); accept either layout.
                var name = entry.Name.Replace('\\', '/');
                var at = name.StartsWith("crates/", StringComparison.Ordinal) ? 0 : name.IndexOf("/crates/", StringComparison.Ordinal) + 1;
                if (at < 0) continue;
                var relative = name[at..];
                if (!AdvisoryPath().IsMatch(relative)) continue;
                if (files.Count >= MaxFiles) throw new AdvisoryFormatException($"more than {MaxFiles} advisory files");
                if (entry.Length > limits.MaxFileBytes) throw new AdvisoryFormatException($"{relative}: larger than {limits.MaxFileBytes} bytes");
                using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
                files.Add(new AdvisoryFile(relative, await reader.ReadToEndAsync(ct)));
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new AdvisoryFormatException($"`{path}` is not a readable .tar or .tar.gz: {e.Message}");
        }
        return files;
    }

    // Exactly crates/<crate name>/RUSTSEC-YYYY-NNNN.md: no `..`, no deeper paths.
    [GeneratedRegex(@"^crates/[A-Za-z0-9][A-Za-z0-9_-]{0,63}/RUSTSEC-\d{4}-\d{4,}\.md$")]
    private static partial Regex AdvisoryPath();
}
