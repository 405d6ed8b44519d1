using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using GhostCrate.Core.Index;
using GhostCrate.Protocol.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// <see cref="IIndexFileSpill"/> on local disk: one file per crate (header, then the index file's bytes) in a folder
/// that belongs to this process alone. Each process makes its own folder under the configured parent and holds an
/// exclusive lock on a file in it, so two processes sharing a data folder never read each other's files (another
/// node's writes are only known to its own cache), and a folder nobody holds any more (a process that ended) is
/// deleted in the background at the next start. Files are replaced by rename, so a reader sees a whole file.
/// If a file cannot be deleted, the spill turns itself off: a file that should be gone must never be served.
/// </summary>
public sealed class IndexSpillDirectory : IIndexFileSpill, IDisposable
{
    private const string LockFileName = ".lock";
    private const int Magic = 0x31494347; // "GCI1"
    private const int FixedHeaderBytes = 4 + 8 + 8 + 8 + 4; // magic, updated_at, stored_at, last_modified, content length
    private const int ReadBufferBytes = 16 * 1024; // every index file of the 100k-crate benchmark fits (largest 12.7 KB)

    private readonly SafeFileHandle _lock;
    private readonly ILogger _logger;
    private volatile bool _off;
    private int _writeFailuresLogged;

    public IndexSpillDirectory(string parent, ILogger<IndexSpillDirectory> logger)
    {
        _logger = logger;
        Directory.CreateDirectory(parent);
        Root = Path.Combine(parent, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        _lock = File.OpenHandle(Path.Combine(Root, LockFileName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        CleanUp = Task.Run(() => DeleteAbandoned(parent));
    }

    /// <summary>This process's folder.</summary>
    public string Root { get; }

    /// <summary>The background deletion of folders left by processes that ended (tests wait for it).</summary>
    public Task CleanUp { get; }

    public bool IsOff => _off;

    public SpilledIndexFile? TryRead(string canonicalName)
    {
        if (_off) return null;
        var path = PathOf(canonicalName);
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            // A read that fills the buffer may have more to come: those few large files take .NET's way below.
            var read = LinuxNative.TryReadSmallFile(path, buffer);
            if (read == -1) return null;
            if (read is { } length && length < buffer.Length) return Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return ReadWithHandle(canonicalName, path);
    }

    private SpilledIndexFile? ReadWithHandle(string canonicalName, string path)
    {
        byte[]? rented = null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            rented = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
            var read = RandomAccess.Read(handle, rented, 0);
            if (read == rented.Length)
            {
                var length = RandomAccess.GetLength(handle);
                if (length > int.MaxValue / 2) return null;
                ArrayPool<byte>.Shared.Return(rented);
                rented = ArrayPool<byte>.Shared.Rent((int)length);
                read = RandomAccess.Read(handle, rented.AsSpan(0, (int)length), 0);
            }
            return Parse(rented.AsSpan(0, read));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "Could not read the spilled index file of {Crate}; rendering it instead", canonicalName);
            return null;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Write(string canonicalName, SpilledIndexFile file)
    {
        if (_off) return;
        var path = PathOf(canonicalName);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        if (Format(file) is not { } bytes) return;
        try
        {
            try
            {
                WriteNew(temporary, bytes);
            }
            catch (DirectoryNotFoundException)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                WriteNew(temporary, bytes);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDeleteTemporary(temporary);
            // A file that was not written is a later render, nothing worse; say so once, not on every request.
            if (Interlocked.Increment(ref _writeFailuresLogged) == 1)
            {
                _logger.LogWarning(ex, "Could not keep a rendered index file on disk under {Folder}; such files are rendered again when asked for", Root);
            }
        }
    }

    public void Delete(string canonicalName)
    {
        if (_off) return;
        try
        {
            File.Delete(PathOf(canonicalName));
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _off = true;
            _logger.LogError(ex, "Could not delete the spilled index file of {Crate}; index files are no longer kept on disk", canonicalName);
        }
    }

    public void Dispose() => _lock.Dispose();

    private string PathOf(string canonicalName) => Path.Combine(Root, IndexPath.ForCrate(canonicalName));

    private static void WriteNew(string path, byte[] bytes)
    {
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
        RandomAccess.Write(handle, bytes, 0);
    }

    private static void TryDeleteTemporary(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// magic, updated_at, stored_at, Last-Modified (UTC ticks), content length, ETag and name (length-prefixed), content;
    /// null for what no crate has (an ETag or a name over 255 bytes): such a file is simply not kept.
    /// </summary>
    internal static byte[]? Format(SpilledIndexFile spilled)
    {
        var file = spilled.File;
        var etag = Encoding.UTF8.GetBytes(file.ETag);
        var name = Encoding.UTF8.GetBytes(file.Name);
        if (etag.Length > byte.MaxValue || name.Length > byte.MaxValue) return null;
        var bytes = new byte[FixedHeaderBytes + 1 + etag.Length + 1 + name.Length + file.Content.Length];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], spilled.UpdatedAt.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], spilled.StoredAt.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(span[20..], file.LastModified.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], file.Content.Length);
        var at = FixedHeaderBytes;
        span[at++] = (byte)etag.Length;
        etag.CopyTo(span[at..]);
        at += etag.Length;
        span[at++] = (byte)name.Length;
        name.CopyTo(span[at..]);
        at += name.Length;
        file.Content.CopyTo(span[at..]);
        return bytes;
    }

    /// <summary>The file, or null when it is not one this class wrote whole.</summary>
    internal static SpilledIndexFile? Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < FixedHeaderBytes + 2 || BinaryPrimitives.ReadInt32LittleEndian(bytes) != Magic) return null;
        var updatedAt = ReadTime(bytes[4..]);
        var storedAt = ReadTime(bytes[12..]);
        var lastModified = ReadTime(bytes[20..]);
        var contentLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]);
        if (updatedAt is null || storedAt is null || lastModified is null) return null;
        var rest = bytes[FixedHeaderBytes..];
        if (!TakeString(ref rest, out var etag) || !TakeString(ref rest, out var name) || rest.Length != contentLength) return null;
        var file = new IndexFile(rest.ToArray(), etag, lastModified.Value) { Name = name };
        return new SpilledIndexFile(file, updatedAt.Value, storedAt.Value);
    }

    private static DateTimeOffset? ReadTime(ReadOnlySpan<byte> bytes)
    {
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    private static bool TakeString(ref ReadOnlySpan<byte> rest, out string value)
    {
        value = "";
        if (rest.Length < 1 || rest.Length < 1 + rest[0]) return false;
        value = Encoding.UTF8.GetString(rest.Slice(1, rest[0]));
        rest = rest[(1 + rest[0])..];
        return true;
    }

    /// <summary>Folders of processes that ended: their lock file can be locked (or is gone).</summary>
    private void DeleteAbandoned(string parent)
    {
        var deleted = 0;
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            if (string.Equals(folder, Root, StringComparison.Ordinal)) continue;
            try
            {
                // Held while deleting (Linux deletes open files): the lock is what says the folder is abandoned.
                using (File.OpenHandle(Path.Combine(folder, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                {
                    Directory.Delete(folder, recursive: true);
                }
                deleted++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Locked by a running process (or not ours to delete): leave it.
            }
        }
        if (deleted > 0) _logger.LogInformation("Deleted {Count} index spill folders left by earlier processes under {Folder}", deleted, parent);
    }
}
