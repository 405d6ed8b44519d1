using System.Xml;

namespace GhostCrate.Core.Branding;

/// <summary>
/// Checks an uploaded logo: at most <see cref="MaxBytes"/>, and a PNG, WebP or SVG image by its bytes (the uploader's
/// content type is not trusted). An SVG is parsed as XML without DTDs or external entities (no billion laughs, no
/// file reads) and refused when it holds script: script or foreignObject elements, on* event attributes, or
/// javascript: links. The logo is served under a sandbox policy as well (Web/Ui/BrandingEndpoints), so an SVG that
/// slipped past this check still could not run anything when opened directly.
/// </summary>
public static class LogoCheck
{
    /// <summary>A header logo is a few kilobytes; this leaves room for a detailed SVG and stays far below the body limit.</summary>
    public const int MaxBytes = 256 * 1024;

    public const string Png = "image/png";
    public const string WebP = "image/webp";
    public const string Svg = "image/svg+xml";

    /// <summary>The logo with its content type, or why it is refused.</summary>
    public static (BrandingLogo? Logo, string? Problem) Inspect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return (null, "the logo file is empty");
        if (bytes.Length > MaxBytes) return (null, $"the logo is {bytes.Length} bytes; at most {MaxBytes} bytes ({MaxBytes / 1024} KiB) are accepted");
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return (new BrandingLogo(bytes.ToArray(), Png), null);
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8)) return (new BrandingLogo(bytes.ToArray(), WebP), null);
        var svgProblem = SvgProblem(bytes);
        return svgProblem switch
        {
            null => (new BrandingLogo(bytes.ToArray(), Svg), null),
            _ => (null, svgProblem),
        };
    }

    private static string? SvgProblem(ReadOnlySpan<byte> bytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = MaxBytes * 4L,
        };
        var root = true;
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (root)
                {
                    if (reader.LocalName != "svg") return "the logo must be a PNG, WebP or SVG image";
                    root = false;
                }
                if (reader.LocalName.Equals("script", StringComparison.OrdinalIgnoreCase) || reader.LocalName.Equals("foreignObject", StringComparison.OrdinalIgnoreCase))
                    return $"the SVG logo contains a <{reader.LocalName}> element; a logo may not hold script or embedded HTML";
                while (reader.MoveToNextAttribute())
                {
                    if (reader.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                        return $"the SVG logo has an event handler attribute ({reader.LocalName}); a logo may not hold script";
                    if (AsBrowserReadsUrl(reader.Value).StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
                        return $"the SVG logo has a javascript: link ({reader.LocalName}); a logo may not hold script";
                }
                reader.MoveToElement();
            }
        }
        catch (XmlException)
        {
            return "the logo must be a PNG, WebP or SVG image (an SVG must be well-formed XML without a DTD)";
        }
        return root ? "the logo must be a PNG, WebP or SVG image" : null;
    }

    /// <summary>
    /// A URL as a browser parses it: leading and trailing C0 controls and spaces are stripped and every tab, line feed
    /// and carriage return is removed (https://url.spec.whatwg.org/#concept-basic-url-parser), so `java&amp;#9;script:`
    /// is a javascript: link too.
    /// </summary>
    private static string AsBrowserReadsUrl(string value) =>
        new string(value.Trim(ControlsAndSpace).Where(c => c is not ('\t' or '\n' or '\r')).ToArray());

    private static readonly char[] ControlsAndSpace = [.. Enumerable.Range(0, 0x21).Select(c => (char)c)];
}
