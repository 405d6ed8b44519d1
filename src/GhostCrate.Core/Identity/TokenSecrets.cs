using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Core.Identity;

/// <summary>
/// API token secrets: 256 random bits, shown once, stored only as SHA-256. A fast hash is right here (as on crates.io):
/// the secret has full entropy, so there is nothing to brute-force, and lookups stay O(1) by hash.
/// </summary>
public static class TokenSecrets
{
    /// <summary>Tokens carry a recognisable prefix so secret scanners can find leaked ones.</summary>
    public const string Prefix = "gcr_";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, 43);

    public static string Hash(string token) => TokenHashKey.Of(token).ToHex();

    /// <summary>Constant-time comparison of two hex hashes, so response timing reveals nothing about stored hashes.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
