using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Core.Backup;

/// <summary>Size and lowercase hex SHA-256 of a file, as measured while it was written or read.</summary>
public sealed record FileFacts(long Size, string Sha256)
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> (null: only reads) and measures the bytes on the way.</summary>
    public static async Task<FileFacts> CopyAsync(Stream source, Stream? destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Pooled: a backup copies hundreds of thousands of small files, and a new 128 KiB array per file lands on the
        // large-object heap each time (zeroed, then collected only by full collections).
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (destination is not null) await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
            return new FileFacts(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static Task<FileFacts> MeasureAsync(Stream source, CancellationToken cancellationToken) => CopyAsync(source, null, cancellationToken);

    /// <summary>Opens a local file for <see cref="CopyFile"/>; throws <see cref="FileNotFoundException"/> or <see cref="DirectoryNotFoundException"/> when it is missing.</summary>
    public static SafeFileHandle OpenSource(string path) => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);

    /// <summary>Measures an open local file synchronously (see <see cref="CopyFile"/> for why).</summary>
    public static FileFacts MeasureFile(SafeFileHandle input, CancellationToken cancellationToken) => Copy(input, null, cancellationToken);

    /// <summary>
    /// Copies the open local file <paramref name="input"/> to a new file <paramref name="target"/> (which must not exist)
    /// and measures the bytes on the way, synchronously: for the many small files of a backup or a restore, each
    /// asynchronous read and write of a <see cref="FileStream"/> is a thread-pool hop that costs more than the I/O.
    /// A failed copy removes the target.
    /// </summary>
    public static FileFacts CopyFile(SafeFileHandle input, string target, CancellationToken cancellationToken)
    {
        using var output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        try
        {
            return Copy(input, output, cancellationToken);
        }
        catch
        {
            output.Dispose();
            File.Delete(target);
            throw;
        }
    }

    /// <summary>
    /// Copies the open local file <paramref name="input"/> into the open, empty file <paramref name="output"/> (null:
    /// only reads) and measures the bytes on the way, synchronously (see <see cref="CopyFile"/>); for callers that open
    /// both ends themselves.
    /// </summary>
    public static FileFacts Copy(SafeFileHandle input, SafeFileHandle? output, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var size = Fill(input, buffer, 0);
            if (output is not null) RandomAccess.Write(output, buffer.AsSpan(0, size), 0);
            if (size < BufferSize)
            {
                // The whole file fit in the buffer (most crate files do): hashed in one call, without an incremental
                // hash (a native context and a finalizable handle) per file.
                Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
                SHA256.HashData(buffer.AsSpan(0, size), digest);
                return new FileFacts(size, Convert.ToHexStringLower(digest));
            }
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(buffer, 0, size);
            int read;
            while ((read = RandomAccess.Read(input, buffer.AsSpan(0, BufferSize), size)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                if (output is not null) RandomAccess.Write(output, buffer.AsSpan(0, read), size);
                size += read;
            }
            return new FileFacts(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads from <paramref name="offset"/> until the buffer is full or the file ends; returns the bytes read.</summary>
    private static int Fill(SafeFileHandle input, byte[] buffer, long offset)
    {
        var filled = 0;
        int read;
        while (filled < BufferSize && (read = RandomAccess.Read(input, buffer.AsSpan(filled, BufferSize - filled), offset + filled)) > 0) filled += read;
        return filled;
    }
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
