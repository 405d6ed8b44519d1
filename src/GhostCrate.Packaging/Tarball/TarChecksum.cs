using System.Text;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// The header checksum of ustar/GNU tar: the sum of all 512 header bytes with the 8-byte checksum
/// field counted as spaces, stored as octal. Some old writers summed signed bytes; both are accepted,
/// as GNU tar and the tar crate do.
/// </summary>
internal static class TarChecksum
{
    private const int FieldOffset = 148;
    private const int FieldLength = 8;

    public static bool IsValid(ReadOnlySpan<byte> header)
    {
        var text = Encoding.ASCII.GetString(header.Slice(FieldOffset, FieldLength)).Trim(' ', '\0');
        if (text.Length == 0) return false;
        long stored = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7') return false;
            stored = (stored << 3) | (uint)(c - '0');
        }

        long unsignedSum = 0, signedSum = 0;
        for (var i = 0; i < header.Length; i++)
        {
            var b = i is >= FieldOffset and < FieldOffset + FieldLength ? (byte)' ' : header[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }
        return stored == unsignedSum || stored == signedSum;
    }
}
