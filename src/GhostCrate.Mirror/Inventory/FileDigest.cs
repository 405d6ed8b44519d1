using System.Security.Cryptography;

namespace GhostCrate.Mirror.Inventory;

/// <summary>Size and the three digests of one file, computed in a single read.</summary>
public sealed record FileDigest(string Path, long Size, string Sha256, string Sha512, string Sha3_256)
{
    /// <summary>
    /// SHA3-256 comes from the platform (OpenSSL 1.1.1+ on Linux); where it is missing the inventory cannot be made,
    /// and saying so beats writing an inventory with a hole in it.
    /// </summary>
    public static void EnsureSupported()
    {
        if (!SHA3_256.IsSupported)
            throw new MirrorException("SHA3-256 is not available on this system (needs OpenSSL 1.1.1 or newer)");
    }

    public static async Task<FileDigest> ComputeAsync(string fullPath, string relativePath, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        using var sha3 = IncrementalHash.CreateHash(HashAlgorithmName.SHA3_256);
        var buffer = new byte[81920];
        long size = 0;
        await using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                sha512.AppendData(buffer, 0, read);
                sha3.AppendData(buffer, 0, read);
                size += read;
            }
        }
        return new FileDigest(relativePath, size,
            Convert.ToHexStringLower(sha256.GetHashAndReset()),
            Convert.ToHexStringLower(sha512.GetHashAndReset()),
            Convert.ToHexStringLower(sha3.GetHashAndReset()));
    }
}
