namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// Expands config.json's `dl` into a file URL (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration):
/// the markers {crate}, {version}, {prefix}, {lowerprefix}, {sha256-checksum} are replaced; with none of them,
/// `/{crate}/{version}/download` is appended, as cargo does.
/// </summary>
public static class DownloadUrls
{
    private static readonly string[] Markers = ["{crate}", "{version}", "{prefix}", "{lowerprefix}", "{sha256-checksum}"];

    public static Uri Expand(string dl, string crate, string version, string cksum)
    {
        var escapedVersion = Uri.EscapeDataString(version);
        if (!Markers.Any(m => dl.Contains(m, StringComparison.Ordinal)))
            return new Uri($"{dl.TrimEnd('/')}/{crate}/{escapedVersion}/download", UriKind.Absolute);
        var prefix = crate.Length switch
        {
            1 => "1",
            2 => "2",
            3 => $"3/{crate[0]}",
            _ => $"{crate[..2]}/{crate[2..4]}",
        };
        return new Uri(dl
            .Replace("{crate}", crate, StringComparison.Ordinal)
            .Replace("{version}", escapedVersion, StringComparison.Ordinal)
            .Replace("{prefix}", prefix, StringComparison.Ordinal)
            .Replace("{lowerprefix}", prefix.ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("{sha256-checksum}", cksum, StringComparison.Ordinal), UriKind.Absolute);
    }
}
