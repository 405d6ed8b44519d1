using System.Text;

namespace GhostCrate.Packaging.Tests;

/// <summary>Hand-made tar blocks for archives TarWriter refuses to write (lying sizes, crafted pax records).</summary>
internal static class RawTar
{
    public static byte[] Header(string name, char type, long size)
    {
        var h = new byte[512];
        void Put(string s, int offset) => Encoding.ASCII.GetBytes(s).CopyTo(h, offset);
        Put(name, 0);
        Put("0000644\0", 100);
        Put("0000000\0", 108);
        Put("0000000\0", 116);
        Put(Convert.ToString(size, 8).PadLeft(11, '0') + "\0", 124);
        Put("00000000000\0", 136);
        h[156] = (byte)type;
        Put("ustar\0", 257);
        Put("00", 263);
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        Put(Convert.ToString(h.Sum(b => b), 8).PadLeft(6, '0') + "\0 ", 148);
        return h;
    }

    public static byte[] Padded(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    public static byte[] PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        // LEN counts its own digits.
        var length = body.Length + 1;
        while (length != body.Length + length.ToString().Length) length = body.Length + length.ToString().Length;
        return Encoding.ASCII.GetBytes($"{length}{body}");
    }

    public static byte[] EndOfArchive => new byte[1024];
}
