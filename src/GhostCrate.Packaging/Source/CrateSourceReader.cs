using System.Formats.Tar;
using GhostCrate.Packaging.Tarball;

namespace GhostCrate.Packaging.Source;

/// <summary>
/// Reads the files of a stored .crate for the source browser and the version diff. Every read goes through the same
/// pipeline and entry rules as publishing (<see cref="TarPipeline"/>, <see cref="EntryRules"/>): a .crate that passed
/// them at publish passes again, and one that did not (a proxied file, a blob changed behind our back) stops the read
/// instead of being shown. Nothing is extracted to disk; each file's content is read up to a cap.
/// </summary>
public static class CrateSourceReader
{
    /// <summary>The files of the .crate (paths relative to `{name}-{version}/`), sorted, with their sizes.</summary>
    public static CrateSourceListing List(ReadOnlyMemory<byte> crateFile, string name, string version, TarballLimits limits)
    {
        var files = new List<CrateSourceEntry>();
        var error = Walk(crateFile, name, version, limits, (entry, relative) =>
        {
            files.Add(new CrateSourceEntry(relative, entry.Length, IsExecutable(entry)));
            return true;
        });
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new CrateSourceListing(files, error);
    }

    /// <summary>
    /// One file's content, at most <paramref name="maxBytes"/> of it; null when the .crate has no such file, or cannot
    /// be read up to it (<see cref="List"/> says why).
    /// </summary>
    public static CrateSourceFile? Read(ReadOnlyMemory<byte> crateFile, string name, string version, string path, int maxBytes, TarballLimits limits)
    {
        CrateSourceFile? found = null;
        Walk(crateFile, name, version, limits, (entry, relative) =>
        {
            if (!string.Equals(relative, path, StringComparison.Ordinal)) return true;
            var (bytes, truncated) = CappedText.ReadBytes(entry.DataStream, maxBytes);
            found = new CrateSourceFile(relative, entry.Length, IsExecutable(entry), bytes, truncated);
            return false;
        });
        return found;
    }

    /// <summary>
    /// Every file with its content (each up to <paramref name="maxFileBytes"/>), for comparing two versions. Content
    /// is kept only while the running total stays under <paramref name="maxTotalBytes"/>: later files are listed with
    /// their size and no content, and <see cref="CrateSourceSnapshot.ContentCut"/> says so.
    /// </summary>
    public static CrateSourceSnapshot ReadAll(ReadOnlyMemory<byte> crateFile, string name, string version, int maxFileBytes, long maxTotalBytes, TarballLimits limits)
    {
        var files = new Dictionary<string, CrateSourceFile>(StringComparer.Ordinal);
        long kept = 0;
        var cut = false;
        var error = Walk(crateFile, name, version, limits, (entry, relative) =>
        {
            if (kept + Math.Min(entry.Length, maxFileBytes) > maxTotalBytes)
            {
                cut = true;
                files[relative] = new CrateSourceFile(relative, entry.Length, IsExecutable(entry), null, true);
                return true;
            }
            var (bytes, truncated) = CappedText.ReadBytes(entry.DataStream, maxFileBytes);
            kept += bytes.Length;
            files[relative] = new CrateSourceFile(relative, entry.Length, IsExecutable(entry), bytes, truncated);
            return true;
        });
        return new CrateSourceSnapshot(files, cut, error);
    }

    /// <summary>Calls <paramref name="visit"/> for each regular file until it returns false; returns an error or null.</summary>
    private static string? Walk(ReadOnlyMemory<byte> crateFile, string name, string version, TarballLimits limits, Func<TarEntry, string, bool> visit)
    {
        var prefix = $"{name}-{version}/";
        try
        {
            using var pipeline = new TarPipeline(crateFile, limits.MaxUnpackedBytes);
            var count = 0;
            while (pipeline.Reader.GetNextEntry() is { } entry)
            {
                if (++count > limits.MaxEntries) return $"the .crate file has more than {limits.MaxEntries} entries";
                if (EntryRules.Check(entry, prefix) is { } violation) return violation.Message;
                if (entry.EntryType == TarEntryType.Directory) continue;
                if (!visit(entry, entry.Name[prefix.Length..])) return null;
            }
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or ArgumentException)
        {
            return $"the .crate file cannot be read: {ex.Message}";
        }
    }

    private static bool IsExecutable(TarEntry entry) =>
        (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>A file of a .crate: its path relative to the package root, size and executable bit.</summary>
public sealed record CrateSourceEntry(string Path, long Size, bool Executable);

/// <summary>The files of a .crate, or the reason it could not be read completely (then the files read so far).</summary>
public sealed record CrateSourceListing(IReadOnlyList<CrateSourceEntry> Files, string? Error);

/// <summary>A file with (up to a cap of) its content; <see cref="Content"/> is null when it was not kept.</summary>
public sealed record CrateSourceFile(string Path, long Size, bool Executable, byte[]? Content, bool Truncated);

/// <summary>Every file of a .crate with its content, for a diff.</summary>
public sealed record CrateSourceSnapshot(IReadOnlyDictionary<string, CrateSourceFile> Files, bool ContentCut, string? Error);
