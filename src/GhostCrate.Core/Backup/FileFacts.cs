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

/// <summary>Passes a stream through (not owning it) and measures it (size, SHA-256): the plaintext of a file that is stored encrypted.</summary>
public sealed class MeasuringStream(Stream inner) : Encryption.ReadOnlyStream
{
    private readonly System.Security.Cryptography.IncrementalHash _hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
    private long _size;
    private FileFacts? _facts;

    /// <summary>What went through, once the stream was read to its end.</summary>
    public FileFacts Facts => _facts ??= new FileFacts(_size, Convert.ToHexStringLower(_hash.GetHashAndReset()));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _hash.AppendData(buffer.Span[..read]);
        _size += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose(); // not the inner stream: its owner disposes it
        }
        base.Dispose(disposing);
    }
}
