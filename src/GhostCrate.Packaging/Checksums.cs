using System.Security.Cryptography;

namespace GhostCrate.Packaging;

public static class Checksums
{
    /// <summary>
    /// Lowercase hex SHA-256: the `cksum` of an index line, which cargo checks every download against
    /// (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema).
    /// </summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
