using System.Security.Cryptography;

namespace GhostCrate.Mirror.Checking;

public static class FileHashes
{
    /// <summary>Lowercase hex SHA-256 of a file, streamed.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
