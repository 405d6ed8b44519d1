using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Mirror.Downloads;

/// <summary>
/// The bytes of one download collecting in .ghostcrate/partial, written through a plain file handle at explicit
/// offsets. A sync writes thousands of small files: a FileStream would add a seek, a truncate and, for asynchronous
/// writes, a hop to another thread per file, while a page-cache write of a few KiB is cheaper done where the bytes are.
/// Durability is not this type's job: the caller makes the file durable (group sync or <see cref="FlushToDisk"/>).
/// </summary>
internal sealed class PartialFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private PartialFile(SafeFileHandle handle, long length)
    {
        _handle = handle;
        Length = length;
    }

    /// <summary>Bytes written so far (the resumed prefix included).</summary>
    public long Length { get; private set; }

    /// <summary>
    /// Opens the file to continue after <paramref name="keep"/> bytes (the prefix is hashed into <paramref name="hash"/>
    /// and anything after it cut off) or, with <paramref name="keep"/> 0, to start over. <paramref name="exists"/> says
    /// whether a file is there now: a new file is created exclusively, which also spares the truncate.
    /// </summary>
    public static PartialFile Open(string path, bool exists, long keep, IncrementalHash? hash)
    {
        var mode = keep > 0 ? FileMode.Open : exists ? FileMode.Create : FileMode.CreateNew;
        var handle = File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.None);
        try
        {
            if (keep > 0)
            {
                HashPrefix(handle, keep, hash ?? throw new ArgumentNullException(nameof(hash), "a resumed body hashes its prefix"));
                RandomAccess.SetLength(handle, keep);
            }
            return new PartialFile(handle, keep);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(_handle, bytes, Length);
        Length += bytes.Length;
    }

    /// <summary>The SHA-256 of the first <paramref name="length"/> bytes of a file (a partial left complete by a killed run).</summary>
    public static string HashOf(string path, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        HashPrefix(handle, length, hash);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>fsync(2) of one file: the fallback where no group sync vouches for it.</summary>
    public static void FlushToDisk(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        RandomAccess.FlushToDisk(handle);
    }

    public void Dispose() => _handle.Dispose();

    private static void HashPrefix(SafeFileHandle handle, long length, IncrementalHash hash)
    {
        var buffer = new byte[81920];
        long position = 0;
        while (position < length)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - position)), position);
            if (read == 0) throw new IOException("the partial file shrank while it was read");
            hash.AppendData(buffer, 0, read);
            position += read;
        }
    }
}
