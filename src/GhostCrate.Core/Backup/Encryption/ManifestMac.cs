using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Core.Backup.Encryption;

/// <summary>
/// Authenticates an encrypted backup's manifest, which stays readable JSON (so `backup list` works without the key):
/// HMAC-SHA256 (RFC 2104) under a key derived from the master key, over the manifest's exact bytes with the MAC's own
/// value written as zeros. Without it, whoever can write to the backup could swap a listed hash or size, drop a blob
/// from the list, or point a reference elsewhere, and the per-file encryption would not notice.
/// </summary>
public static class ManifestMac
{
    public static readonly string Placeholder = new('0', 64);
    private static readonly byte[] Marker = "\"manifest_mac\": \""u8.ToArray();
    private static readonly byte[] MacKeyInfo = "ghostcrate backup manifest v1"u8.ToArray();

    /// <summary>Fills the placeholder MAC of a serialized manifest in place.</summary>
    public static byte[] Seal(byte[] json, BackupKey key)
    {
        var at = ValueOffset(json) ?? throw new InvalidOperationException("the manifest has no MAC placeholder");
        var mac = Compute(json, at, key);
        Encoding.ASCII.GetBytes(mac).CopyTo(json, at);
        return json;
    }

    /// <summary>Null when <paramref name="json"/> carries the right MAC for <paramref name="key"/>; otherwise why not.</summary>
    public static string? Check(ReadOnlySpan<byte> json, BackupKey key)
    {
        var copy = json.ToArray();
        if (ValueOffset(copy) is not { } at) return "the encrypted backup's manifest carries no MAC";
        var stored = copy.AsSpan(at, 64).ToArray();
        var expected = Encoding.ASCII.GetBytes(Compute(copy, at, key));
        return CryptographicOperations.FixedTimeEquals(stored, expected)
            ? null
            : "the manifest was changed after the backup was made (its MAC does not match)";
    }

    private static string Compute(byte[] json, int at, BackupKey key)
    {
        var zeroed = (byte[])json.Clone();
        Encoding.ASCII.GetBytes(Placeholder).CopyTo(zeroed, at);
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key.Master, 32, salt: [], info: MacKeyInfo);
        return Convert.ToHexStringLower(HMACSHA256.HashData(macKey, zeroed));
    }

    /// <summary>Where the 64 hex digits of the MAC start, when the manifest has exactly one.</summary>
    private static int? ValueOffset(byte[] json)
    {
        var first = json.AsSpan().IndexOf(Marker);
        if (first < 0 || json.AsSpan(first + 1).IndexOf(Marker) >= 0) return null;
        var at = first + Marker.Length;
        return at + 64 < json.Length && json[at + 64] == (byte)'"' ? at : null;
    }
}
