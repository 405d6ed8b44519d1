using System.Text;

namespace GhostCrate.Web.Ui.Source;

/// <summary>Decides whether a file is shown as text, and in which highlighting language.</summary>
public static class SourceText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The file as text, or null for binary content: a NUL byte in the first 8 KB (as git decides), or bytes that are
    /// not UTF-8. A cut in the middle of a multi-byte character (a truncated file) is not held against it.
    /// </summary>
    public static string? Decode(byte[] bytes, bool truncated)
    {
        if (bytes.AsSpan(0, Math.Min(bytes.Length, 8192)).IndexOf((byte)0) >= 0) return null;
        var length = bytes.Length;
        if (truncated)
        {
            // Step back over an incomplete UTF-8 sequence at the cut.
            var back = 0;
            while (back < 3 && length - back - 1 >= 0 && (bytes[length - back - 1] & 0xC0) == 0x80) back++;
            if (length - back - 1 >= 0 && bytes[length - back - 1] >= 0xC0) length -= back + 1;
        }
        try
        {
            var text = Strict.GetString(bytes, 0, length);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The highlighter's language for a path, or null when it has none.</summary>
    public static string? LanguageOf(string path)
    {
        var file = path[(path.LastIndexOf('/') + 1)..];
        if (file.Equals("Cargo.lock", StringComparison.Ordinal)) return "toml";
        return Path.GetExtension(file).ToLowerInvariant() switch
        {
            ".rs" => "rust",
            ".toml" or ".orig" when file.StartsWith("Cargo.toml", StringComparison.Ordinal) => "toml",
            ".toml" => "toml",
            ".sh" or ".bash" => "sh",
            ".json" => "json",
            _ => null,
        };
    }
}
