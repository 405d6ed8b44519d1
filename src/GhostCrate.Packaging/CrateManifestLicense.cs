using System.Formats.Tar;
using System.IO.Compression;

namespace GhostCrate.Packaging;

/// <summary>
/// The `license` of a .crate's normalized Cargo.toml (the index does not carry it): for the offline mirror's sidecars
/// and the licence report of proxied and mirrored crates. Reads only up to that one entry, with a size cap, and gives
/// up quietly on anything odd (<see cref="Outcome.Readable"/> false): a missing licence beats a failed report.
/// </summary>
public static class CrateManifestLicense
{
    private const long MaxManifestBytes = 1024 * 1024;

    /// <summary>What the manifest says: <see cref="License"/> is null when it declares none (only `license-file`, or nothing).</summary>
    public readonly record struct Outcome(bool Readable, string? License);

    public static async Task<Outcome> ReadAsync(Stream crate, string name, string version, CancellationToken cancellationToken)
    {
        try
        {
            await using var gzip = new GZipStream(crate, CompressionMode.Decompress, leaveOpen: true);
            await using var tar = new TarReader(gzip);
            var wanted = $"{name}-{version}/Cargo.toml";
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (!string.Equals(entry.Name, wanted, StringComparison.OrdinalIgnoreCase)) continue;
                if (entry.DataStream is null || entry.Length > MaxManifestBytes) return default;
                using var reader = new StreamReader(entry.DataStream);
                return CargoManifestPackage.Read(await reader.ReadToEndAsync(cancellationToken)) is { } package ? new Outcome(true, package.License) : default;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
        }
        return default;
    }

    /// <summary>The licence of a .crate file on disk, or null when it declares none or cannot be read.</summary>
    public static async Task<string?> ReadFileAsync(string crateFile, string name, string version, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(crateFile);
            return (await ReadAsync(file, name, version, cancellationToken)).License;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
