using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Core.Identity;

/// <summary>
/// The SHA-256 of a token secret as a value (four 64-bit words, big-endian as the hash's bytes): the key of the
/// per-node token memory (<see cref="AccessCache"/>). It is computed without allocating and compared in a few
/// instructions, where the hex string the database stores would cost three allocations and a 64-character comparison
/// on every request of an auth-required registry. <see cref="ToHex"/> is the stored form.
/// </summary>
public readonly record struct TokenHashKey(ulong A, ulong B, ulong C, ulong D)
{
    private const int StackBytes = 256;

    public static TokenHashKey Of(ReadOnlySpan<char> secret)
    {
        var max = Encoding.UTF8.GetMaxByteCount(secret.Length);
        byte[]? rented = null;
        var utf8 = max <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        // The secret's bytes do not outlive the call, on the stack or in the pool.
        CryptographicOperations.ZeroMemory(utf8[..length]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return new TokenHashKey(
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]));
    }

    /// <summary>Lowercase hex, as stored in the database (<see cref="TokenSecrets.Hash"/>).</summary>
    public string ToHex()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        BinaryPrimitives.WriteUInt64BigEndian(hash, A);
        BinaryPrimitives.WriteUInt64BigEndian(hash[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(hash[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(hash[24..], D);
        return Convert.ToHexStringLower(hash);
    }

    // The words of a SHA-256 are uniformly distributed: one of them is a good hash code already.
    public override int GetHashCode() => (int)A;

    public override string ToString() => "TokenHashKey"; // never the hash itself in a log line
}
