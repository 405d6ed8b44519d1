using System.Text;

namespace GhostCrate.Packaging.Tarball;

/// <summary>Reads at most a fixed number of bytes of an entry as text.</summary>
internal static class CappedText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads up to <paramref name="cap"/> bytes; <c>Truncated</c> says whether more followed.</summary>
    public static (byte[] Bytes, bool Truncated) ReadBytes(Stream? stream, int cap)
    {
        if (stream is null) return ([], false);
        var buffer = new byte[cap + 1];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read > cap ? (buffer[..cap], true) : (buffer[..read], false);
    }

    /// <summary>Strict decoding for manifests: invalid UTF-8 gives null.</summary>
    public static string? DecodeStrict(byte[] bytes)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// Lenient decoding for readmes (display only): invalid bytes become U+FFFD, and a multi-byte
    /// character cut in half by the cap is dropped rather than shown as garbage.
    /// </summary>
    public static string DecodeLenient(byte[] bytes, bool truncated)
    {
        var length = bytes.Length;
        if (truncated) length = WithoutPartialTrailingCharacter(bytes);
        var text = Encoding.UTF8.GetString(bytes, 0, length);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    private static int WithoutPartialTrailingCharacter(byte[] bytes)
    {
        var end = bytes.Length;
        // Walk back over at most 3 continuation bytes (10xxxxxx) to the lead byte.
        var i = end - 1;
        while (i >= 0 && end - i <= 3 && (bytes[i] & 0xC0) == 0x80) i--;
        if (i < 0) return end;
        var lead = bytes[i];
        var needed = lead switch
        {
            < 0x80 => 1,
            >= 0xF0 => 4,
            >= 0xE0 => 3,
            >= 0xC0 => 2,
            _ => 1,
        };
        return end - i < needed ? i : end;
    }
}
