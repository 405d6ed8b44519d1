using GhostCrate.Protocol.Crates;

namespace GhostCrate.Protocol.Client;

/// <summary>
/// Expands the `dl` field of config.json into a download URL
/// (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration): the markers {crate},
/// {version}, {prefix}, {lowerprefix} and {sha256-checksum} are replaced; a template with none of them gets
/// `/{crate}/{version}/download` appended, exactly as cargo does.
/// </summary>
public static class DownloadUrlTemplate
{
    private static readonly string[] Markers = ["{crate}", "{version}", "{prefix}", "{lowerprefix}", "{sha256-checksum}"];

    /// <param name="dl">The `dl` value from config.json.</param>
    /// <param name="crate">The crate name as the index spells it.</param>
    /// <param name="version">The version as the index spells it.</param>
    /// <param name="sha256Checksum">The index `cksum`; required only when the template uses {sha256-checksum}.</param>
    /// <exception cref="ArgumentException">Not a crate name, or {sha256-checksum} is used and no checksum was given.</exception>
    public static Uri Expand(string dl, string crate, string version, string? sha256Checksum = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dl);
        ArgumentException.ThrowIfNullOrEmpty(crate);
        ArgumentException.ThrowIfNullOrEmpty(version);
        if (!crate.All(CrateName.IsNameChar))
            throw new ArgumentException($"`{crate}` is not a crate name", nameof(crate));

        // Cargo substitutes the version as is (`1.0.0+build` keeps its '+'); a version from an upstream that is not
        // semver ([0-9A-Za-z.+-]) is escaped so it can never add path segments or a query.
        var escapedVersion = version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-') ? version : Uri.EscapeDataString(version);
        if (!Markers.Any(m => dl.Contains(m, StringComparison.Ordinal)))
            return new Uri($"{dl.TrimEnd('/')}/{crate}/{escapedVersion}/download", UriKind.Absolute);

        if (dl.Contains("{sha256-checksum}", StringComparison.Ordinal) && string.IsNullOrEmpty(sha256Checksum))
            throw new ArgumentException("the dl template uses {sha256-checksum} but no checksum was given", nameof(sha256Checksum));

        var prefix = Prefix(crate);
        var url = dl
            .Replace("{crate}", crate, StringComparison.Ordinal)
            .Replace("{version}", escapedVersion, StringComparison.Ordinal)
            .Replace("{prefix}", prefix, StringComparison.Ordinal)
            .Replace("{lowerprefix}", prefix.ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("{sha256-checksum}", sha256Checksum ?? "", StringComparison.Ordinal);
        return new Uri(url, UriKind.Absolute);
    }

    /// <summary>
    /// The index directory of a name with its original case: `1`, `2`, `3/{first letter}` or `{ab}/{cd}`
    /// (cargo's `make_dep_prefix`).
    /// </summary>
    public static string Prefix(string crate) => crate.Length switch
    {
        1 => "1",
        2 => "2",
        3 => $"3/{crate[0]}",
        _ => $"{crate[..2]}/{crate[2..4]}",
    };
}
