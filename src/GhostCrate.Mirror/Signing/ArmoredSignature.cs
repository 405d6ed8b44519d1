using System.Text;

namespace GhostCrate.Mirror.Signing;

/// <summary>
/// The ASCII armour of a detached signature (RFC 4880 §6.2), written and read in exactly one form: no armour headers,
/// 64-character lines ending in LF, the CRC-24 line (§6.1), a final LF. Reading refuses any other spelling, so no
/// byte of a bundle's signature file escapes a check: BouncyCastle's own reader ignores armour headers such as
/// `Version:` and the unused bits of the last base64 character, and a flipped byte there went unnoticed
/// (BundleRoundTripTests flips bytes all over a bundle). gpg reads this form as it reads its own.
/// </summary>
public static class ArmoredSignature
{
    /// <summary>Far above a signature's size (a few hundred bytes); the file is read whole.</summary>
    public const int MaxFileBytes = 64 * 1024;

    private const string Begin = "-----BEGIN PGP SIGNATURE-----";
    private const string End = "-----END PGP SIGNATURE-----";
    private const int LineLength = 64;

    public static string Write(ReadOnlySpan<byte> packets)
    {
        var base64 = Convert.ToBase64String(packets);
        var text = new StringBuilder(base64.Length + 128).Append(Begin).Append("\n\n");
        for (var i = 0; i < base64.Length; i += LineLength) text.Append(base64, i, Math.Min(LineLength, base64.Length - i)).Append('\n');
        var crc = Crc24(packets);
        text.Append('=').Append(Convert.ToBase64String([(byte)(crc >> 16), (byte)(crc >> 8), (byte)crc])).Append('\n');
        return text.Append(End).Append('\n').ToString();
    }

    /// <summary>The signature packets of a file in exactly the form <see cref="Write"/> gives.</summary>
    /// <exception cref="MirrorException">Anything else: other headers, line lengths or line ends, a wrong CRC, trailing bytes.</exception>
    public static byte[] Read(Stream file)
    {
        var bytes = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (bytes.Length + read > MaxFileBytes) throw Damaged("it is larger than any signature");
            bytes.Write(buffer, 0, read);
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
        }
        catch (DecoderFallbackException)
        {
            throw Damaged("it is not text");
        }
        var lines = text.Split('\n');
        // Begin, blank, base64 lines..., =CRC, End, and the empty rest after the final LF.
        if (lines.Length < 6 || lines[0] != Begin || lines[1].Length != 0 || lines[^2] != End || lines[^1].Length != 0 || !lines[^3].StartsWith('='))
            throw Damaged("it is not an armoured signature in the form GhostCrate writes");
        byte[] packets;
        try
        {
            packets = Convert.FromBase64String(string.Concat(lines[2..^3]));
        }
        catch (FormatException)
        {
            throw Damaged("its base64 is damaged");
        }
        // The one spelling of these packets: line breaks, padding bits and the CRC line all follow from the bytes.
        if (!string.Equals(Write(packets), text, StringComparison.Ordinal)) throw Damaged("its armour or checksum is damaged");
        return packets;
    }

    /// <summary>RFC 4880 §6.1.</summary>
    private static int Crc24(ReadOnlySpan<byte> data)
    {
        var crc = 0xB704CE;
        foreach (var b in data)
        {
            crc ^= b << 16;
            for (var i = 0; i < 8; i++)
            {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) crc ^= 0x1864CFB;
            }
        }
        return crc & 0xFFFFFF;
    }

    private static MirrorException Damaged(string why) => new($"the signature file is damaged: {why}");
}
