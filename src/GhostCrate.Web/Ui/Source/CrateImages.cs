namespace GhostCrate.Web.Ui.Source;

/// <summary>
/// Which files of a .crate are served as images (for README images, /crates/{name}/{version}/raw/{path}), and how.
/// Only image types are served, each checked against its magic bytes, so a crate cannot make this origin serve HTML
/// or script; SVG (which may hold script) is served under a `sandbox` policy that lets nothing run even when opened
/// directly, as crates.io's and docs.rs's static hosts do for user files.
/// </summary>
public static class CrateImages
{
    /// <summary>Largest image served; a README image is a logo or a diagram, not a data file.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>The response's Content-Security-Policy: no script, no plugins, no navigation, styles only inline (SVG).</summary>
    public const string Policy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    public static string? ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        ".svg" => "image/svg+xml",
        _ => null,
    };

    /// <summary>Whether the bytes are what the extension says (a PNG named .png, an SVG document named .svg).</summary>
    public static bool Matches(string contentType, ReadOnlySpan<byte> bytes) => contentType switch
    {
        "image/png" => bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/gif" => bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8),
        "image/webp" => bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8),
        "image/svg+xml" => LooksLikeSvg(bytes),
        _ => false,
    };

    private static bool LooksLikeSvg(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        var head = System.Text.Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 4096)]).TrimStart();
        return head.StartsWith('<') && head.Contains("<svg", StringComparison.OrdinalIgnoreCase);
    }
}
