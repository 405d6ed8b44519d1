using System.Formats.Tar;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// One streaming pass over a .crate: applies <see cref="EntryRules"/> to every entry, enforces the
/// entry-count and size limits as it goes, reads the root Cargo.toml and captures readme candidates.
/// </summary>
internal static class TarballScanner
{
    public const int MaxManifestBytes = 4 * 1024 * 1024;
    public const int MaxReadmeBytes = 1024 * 1024;
    private const string Manifest = "Cargo.toml";

    public static TarballScan Scan(ReadOnlyMemory<byte> crateFile, string prefix, TarballLimits limits)
    {
        using var pipeline = new TarPipeline(crateFile, limits.MaxUnpackedBytes);
        var scan = new TarballScan(new Content.ContentInspector(limits.LargeFileBytes));
        Exception? tarFailure = null;
        try
        {
            while (pipeline.Reader.GetNextEntry() is { } entry)
            {
                // Counted as they arrive: a million empty entries compress to almost nothing.
                if (++scan.EntryCount > limits.MaxEntries)
                    return scan.Fail(TarballErrorKind.TooManyEntries,
                        $"the .crate file has more than {limits.MaxEntries} entries, this registry's limit; exclude generated or test data with `exclude` in Cargo.toml");
                if (EntryRules.Check(entry, prefix) is { } violation) return scan.Fail(violation);
                if (entry.EntryType == TarEntryType.Directory) continue;

                var relative = entry.Name[prefix.Length..];
                var isManifest = relative.Equals(Manifest, StringComparison.OrdinalIgnoreCase);
                if (isManifest && ReadManifest(scan, entry, prefix, relative) is { } manifestError)
                    return scan.Fail(manifestError);

                // Two entries with one path: scanners see the first, extractors keep the last.
                if (!scan.Files.Add(relative))
                    return scan.Fail(TarballErrorKind.DuplicateEntry, $"the .crate file contains `{entry.Name}` more than once");

                byte[]? known = isManifest ? [] : null;
                if (relative == ManifestFacts.DefaultReadme || relative == scan.Manifest?.ReadmePath)
                {
                    scan.Captured[relative] = CappedText.ReadBytes(entry.DataStream, MaxReadmeBytes);
                    known = scan.Captured[relative].Bytes;
                }
                // Same pass, after the scanner's own reads: content flags look at what is left of the entry.
                scan.Content.Observe(entry, relative, known);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            tarFailure = ex;
        }

        if (Conclude(pipeline, tarFailure, crateFile.Span, limits) is { } error) scan.Fail(error);
        scan.UnpackedSize = pipeline.Meter.BytesProduced;
        return scan;
    }

    /// <summary>
    /// A manifest differing only in case is still a manifest on macOS and Windows: two of them means
    /// what cargo builds depends on the platform that unpacks the crate, and what we checked might not be it.
    /// </summary>
    private static TarballError? ReadManifest(TarballScan scan, TarEntry entry, string prefix, string relative)
    {
        if (scan.ManifestPath is not null)
            return new TarballError(TarballErrorKind.DuplicateManifest,
                $"the .crate file contains more than one manifest (`{prefix}{scan.ManifestPath}` and `{entry.Name}`); it must contain exactly one `{prefix}Cargo.toml`");
        scan.ManifestPath = relative;

        var (bytes, truncated) = CappedText.ReadBytes(entry.DataStream, MaxManifestBytes);
        if (truncated)
            return new TarballError(TarballErrorKind.InvalidManifest,
                $"Cargo.toml in the .crate file is larger than {ByteSize.Format(MaxManifestBytes)}");
        // Judged only after the whole archive passed, in case these bytes were cut short by a stream failure.
        scan.Manifest = CappedText.DecodeStrict(bytes) is { } text
            ? ManifestFacts.From(text)
            : new ManifestFacts(null, null, null, "Cargo.toml in the .crate file is not valid UTF-8");
        return null;
    }

    /// <summary>Turns stream-level failures into the error that explains them best.</summary>
    private static TarballError? Conclude(TarPipeline pipeline, Exception? tarFailure, ReadOnlySpan<byte> crateFile, TarballLimits limits)
    {
        if (pipeline.Guard.Failure is { } guardFailure) return guardFailure;
        if (!pipeline.Meter.LimitExceeded) pipeline.Meter.Drain();
        if (pipeline.Meter.LimitExceeded)
            return new TarballError(TarballErrorKind.UnpackedSizeExceeded,
                $"the .crate file unpacks to more than {ByteSize.Format(limits.MaxUnpackedBytes)}, this registry's limit; exclude large files with `exclude` in Cargo.toml");
        if (pipeline.Meter.InflateFailure is { } inflateFailure)
            return new TarballError(TarballErrorKind.CorruptGzip, $"the .crate file is not valid gzip data: {inflateFailure.Message}");
        // GZipStream reports a truncated stream as a normal end, so compare against the gzip trailer.
        if (!GzipTrailer.Matches(crateFile, pipeline.Meter.Crc, pipeline.Meter.BytesProduced))
            return new TarballError(TarballErrorKind.CorruptGzip,
                "the .crate file is truncated or corrupt (its gzip checksum does not match); run `cargo publish` again");
        if (tarFailure is not null)
            return new TarballError(TarballErrorKind.CorruptTar, $"the .crate file is not a valid tar archive: {tarFailure.Message}");
        return null;
    }

    /// <summary>
    /// Second pass for the rare readme that came before Cargo.toml in the archive (so its path was not
    /// known yet). Only run on archives the first pass accepted, so it cannot fail in new ways.
    /// </summary>
    public static (byte[] Bytes, bool Truncated)? ExtractFile(ReadOnlyMemory<byte> crateFile, string fullPath, TarballLimits limits)
    {
        try
        {
            using var pipeline = new TarPipeline(crateFile, limits.MaxUnpackedBytes);
            while (pipeline.Reader.GetNextEntry() is { } entry)
                if (entry.EntryType != TarEntryType.Directory && entry.Name == fullPath)
                    return CappedText.ReadBytes(entry.DataStream, MaxReadmeBytes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
        }
        return null;
    }
}
