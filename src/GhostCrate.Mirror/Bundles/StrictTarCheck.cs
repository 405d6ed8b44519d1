using System.Text;

namespace GhostCrate.Mirror.Bundles;

/// <summary>
/// A byte-exact walk of a bundle's USTAR layout before anything is unpacked, so that no byte of the file escapes a
/// check: every 512-byte header must carry a correct checksum (POSIX.1-1988 ustar), padding after each file's data and
/// the end-of-archive blocks must be zeros, and only regular files may appear. File contents are covered by the signed
/// inventory's hashes. Together, one flipped byte anywhere in a bundle is refused, not silently absorbed by a lenient
/// TAR reader.
/// </summary>
public static class StrictTarCheck
{
    private const int Block = 512;

    public static void Verify(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var header = new byte[Block];
        var buffer = new byte[1 << 16];
        long offset = 0;
        var length = stream.Length;
        while (true)
        {
            if (offset + Block > length) throw Damaged($"the archive ends inside a header at byte {offset} (truncated)");
            stream.ReadExactly(header);
            if (header.All(b => b == 0))
            {
                // End of archive: at least two zero blocks, and nothing but zeros up to the end.
                if (length - offset < 2 * Block) throw Damaged("the end-of-archive marker is missing (truncated)");
                RequireZeros(stream, length - offset - Block, buffer, "after the end-of-archive marker");
                return;
            }
            if (!ChecksumMatches(header)) throw Damaged($"the header at byte {offset} has a wrong checksum");
            var type = (char)header[156];
            if (type is not ('0' or '\0')) throw Damaged($"the entry at byte {offset} has type '{type}'; a bundle holds only regular files");
            if (Encoding.ASCII.GetString(header, 257, 5) != "ustar") throw Damaged($"the header at byte {offset} is not a USTAR header");
            var size = ParseOctal(header.AsSpan(124, 12), offset);
            var padded = (size + Block - 1) / Block * Block;
            if (offset + Block + padded > length) throw Damaged($"the data of the entry at byte {offset} is cut short (truncated)");
            stream.Seek(size, SeekOrigin.Current);
            RequireZeros(stream, padded - size, buffer, $"in the padding after the entry at byte {offset}");
            offset += Block + padded;
        }
    }

    private static bool ChecksumMatches(byte[] header)
    {
        // The checksum field is the one part of a header its own sum does not cover (it counts as spaces), and the
        // number parser stops at the first NUL or space: every byte of it must be a digit, a NUL or a space, so that
        // a flipped terminator (a NUL or space turned into another character) is refused too.
        if (header.AsSpan(148, 8).ContainsAnyExcept("01234567 \0"u8)) return false;
        long sum = 0;
        for (var i = 0; i < Block; i++) sum += i is >= 148 and < 156 ? ' ' : header[i];
        return ParseOctal(header.AsSpan(148, 8), 0) == sum;
    }

    private static long ParseOctal(ReadOnlySpan<byte> field, long offset)
    {
        long value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (digits > 0) break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7') throw Damaged($"a number field of the header at byte {offset} is not octal");
            value = value * 8 + (b - '0');
            digits++;
        }
        return value;
    }

    private static void RequireZeros(Stream stream, long count, byte[] buffer, string where)
    {
        while (count > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0) throw Damaged($"the archive ends early {where} (truncated)");
            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0)) throw Damaged($"non-zero bytes {where}");
            count -= read;
        }
    }

    private static MirrorException Damaged(string detail) => new($"the bundle is damaged: {detail}; nothing was imported");
}
