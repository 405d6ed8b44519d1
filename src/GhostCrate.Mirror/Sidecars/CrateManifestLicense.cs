using System.Formats.Tar;
using System.IO.Compression;
using GhostCrate.Packaging;

namespace GhostCrate.Mirror.Sidecars;

/// <summary>
/// The `license` of a .crate's normalized Cargo.toml (the index does not carry it). Reads only up to that one entry,
/// with a size cap, and gives up quietly on anything odd: a sidecar without a license beats no sidecar.
/// </summary>
public static class CrateManifestLicense
{
    private const long MaxManifestBytes = 1024 * 1024;

    public static async Task<string?> ReadAsync(string crateFile, string name, string version, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(crateFile);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            var wanted = $"{name}-{version}/Cargo.toml";
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (!string.Equals(entry.Name, wanted, StringComparison.OrdinalIgnoreCase)) continue;
                if (entry.DataStream is null || entry.Length > MaxManifestBytes) return null;
                using var reader = new StreamReader(entry.DataStream);
                return CargoManifestPackage.Read(await reader.ReadToEndAsync(cancellationToken))?.License;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
        }
        return null;
    }
}
