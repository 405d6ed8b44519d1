using System.Security.Cryptography;

namespace GhostCrate.Core.Backup;

/// <summary>Size and lowercase hex SHA-256 of a file, as measured while it was written or read.</summary>
public sealed record FileFacts(long Size, string Sha256)
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (null: only reads) and measures the bytes on the way.</summary>
    public static async Task<FileFacts> CopyAsync(Stream source, Stream? destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (destination is not null) await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            size += read;
        }
        return new FileFacts(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public static Task<FileFacts> MeasureAsync(Stream source, CancellationToken cancellationToken) => CopyAsync(source, null, cancellationToken);
}
