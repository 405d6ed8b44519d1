using System.Buffers.Binary;

namespace GhostCrate.Packaging.Tarball;

/// <summary>The fixed parts of a gzip member (RFC 1952 §2.3): magic, method, and the CRC32/ISIZE trailer.</summary>
internal static class GzipTrailer
{
    private const int MinimumLength = 18; // 10-byte header + empty deflate stream is longer, but never under 18

    /// <summary>ID1 ID2 = 1f 8b, CM = 8 (deflate), the only method gzip defines.</summary>
    public static bool HasGzipHeader(ReadOnlySpan<byte> file) =>
        file.Length >= MinimumLength && file[0] == 0x1F && file[1] == 0x8B && file[2] == 8;

    /// <summary>
    /// True when the last 8 bytes are the CRC-32 and length (mod 2^32) of what was decompressed. A
    /// truncated file ends in arbitrary deflate bytes, so this fails for it with near certainty.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> file, uint crc, long decompressedLength) =>
        file.Length >= MinimumLength
        && BinaryPrimitives.ReadUInt32LittleEndian(file[^8..]) == crc
        && BinaryPrimitives.ReadUInt32LittleEndian(file[^4..]) == unchecked((uint)decompressedLength);
}
