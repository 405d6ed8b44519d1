using GhostCrate.Packaging.Tarball;

namespace GhostCrate.Packaging;

/// <summary>
/// Checks an uploaded .crate before anything else touches it, modelled on crates.io's crates_io_tarball.
/// Pure: reads only the given bytes, writes nothing, and reports every problem as a result.
/// The .crate format: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish
/// (a gzipped tar of `{name}-{version}/...` as written by `cargo package`).
/// </summary>
public static class CrateTarballValidator
{
    public static TarballValidationResult Validate(ReadOnlyMemory<byte> crateFile, string expectedName, string expectedVersion, TarballLimits limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(expectedName);
        ArgumentException.ThrowIfNullOrEmpty(expectedVersion);
        ArgumentNullException.ThrowIfNull(limits);

        if (!GzipTrailer.HasGzipHeader(crateFile.Span))
            return TarballValidationResult.Failure(TarballErrorKind.NotGzip,
                "the .crate file is not gzip-compressed; upload the file produced by `cargo package`");

        // cargo names the root directory after the package exactly as written (case included).
        var prefix = $"{expectedName}-{expectedVersion}/";
        var scan = TarballScanner.Scan(crateFile, prefix, limits);
        if (scan.Error is { } error) return TarballValidationResult.Failure(error);

        if (scan.ManifestPath is null)
            return TarballValidationResult.Failure(TarballErrorKind.MissingManifest,
                $"the .crate file has no `{prefix}Cargo.toml`");
        if (scan.ManifestPath != "Cargo.toml")
            return TarballValidationResult.Failure(TarballErrorKind.MissingManifest,
                $"the .crate file has `{prefix}{scan.ManifestPath}`, but the manifest must be named exactly `Cargo.toml`");

        var manifest = scan.Manifest!;
        if (manifest.Error is { } manifestError)
            return TarballValidationResult.Failure(TarballErrorKind.InvalidManifest, manifestError);

        // The index is built from the JSON metadata, cargo builds from Cargo.toml: they must agree, or
        // what users resolve is not what they compile.
        if (!string.Equals(manifest.Name, expectedName, StringComparison.Ordinal))
            return TarballValidationResult.Failure(TarballErrorKind.NameMismatch,
                $"Cargo.toml in the .crate file names the package `{manifest.Name}`, but the upload is for `{expectedName}`; publish with `cargo publish` so the two match");
        if (!string.Equals(manifest.Version, expectedVersion, StringComparison.Ordinal))
            return TarballValidationResult.Failure(TarballErrorKind.VersionMismatch,
                $"Cargo.toml in the .crate file has version `{manifest.Version}`, but the upload is for `{expectedVersion}`; publish with `cargo publish` so the two match");

        return TarballValidationResult.Success(new TarballInfo
        {
            Readme = ReadReadme(crateFile, prefix, scan, manifest.ReadmePath, limits),
            ManifestName = manifest.Name,
            ManifestVersion = manifest.Version,
            UnpackedSize = scan.UnpackedSize,
            EntryCount = scan.EntryCount,
            Edition = manifest.Edition,
            Binaries = BuildTargets.Find(manifest, scan.Files),
            HasLibrary = BuildTargets.HasLibrary(manifest, scan.Files),
            ContentFlags = scan.Content.Finish(manifest, scan.Files, path => TarballScanner.ExtractFile(crateFile, prefix + path, limits)),
        });
    }

    private static string? ReadReadme(ReadOnlyMemory<byte> crateFile, string prefix, TarballScan scan, string? readmePath, TarballLimits limits)
    {
        if (readmePath is null || !scan.Files.Contains(readmePath)) return null;
        var content = scan.Captured.TryGetValue(readmePath, out var captured)
            ? captured
            : TarballScanner.ExtractFile(crateFile, prefix + readmePath, limits);
        return content is { } c ? CappedText.DecodeLenient(c.Bytes, c.Truncated) : null;
    }
}
