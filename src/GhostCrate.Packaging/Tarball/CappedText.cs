using System.Buffers;
using System.Text;

namespace GhostCrate.Packaging.Tarball;

/// <summary>Reads at most a fixed number of bytes of an entry as text.</summary>
internal static class CappedText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Read in pieces of this size: the caps are megabytes, the entries usually a few KB.
    private const int ChunkBytes = 16 * 1024;

    /// <summary>Reads up to <paramref name="cap"/> bytes; <c>Truncated</c> says whether more followed.</summary>
    /// <remarks>
    /// Memory grows with what the entry holds, not with the cap: a buffer of the cap (4 MB for Cargo.toml, 1 MB per
    /// README) on every publish went to the large-object heap, which only a full GC empties, and pushed peak RSS up by
    /// hundreds of MB under publish load (bench/README.md).
    /// </remarks>
    public static (byte[] Bytes, bool Truncated) ReadBytes(Stream? stream, int cap)
    {
        if (stream is null) return ([], false);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            using var collected = new MemoryStream();
            while (collected.Length <= cap)
            {
                var read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, cap + 1L - collected.Length));
                if (read == 0) break;
                collected.Write(chunk, 0, read);
            }
            var bytes = collected.GetBuffer().AsSpan(0, (int)collected.Length);
            return bytes.Length > cap ? (bytes[..cap].ToArray(), true) : (bytes.ToArray(), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
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
