using System.Security.Cryptography;
using GhostCrate.Core.Threading;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Where an upstream's .crate waits until it is verified: in memory up to <see cref="MemoryLimit"/> bytes (most
/// crates are far smaller), in a temp file that deletes itself beyond (a crate may be large). It hashes what is
/// written as it goes, so the sha256 check needs no second read, and a file kept in memory is served and stored from
/// the same bytes without touching the disk in between. Write-only until <see cref="OpenRead"/>; the owner disposes it.
/// </summary>
public sealed class CrateSpool : Stream
{
    /// <summary>Crates up to this size stay in memory (the download limit bounds the rest, which goes to a temp file).</summary>
    public const int MemoryLimit = 1024 * 1024;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly int _memoryLimit;
    private MemoryStream? _memory = new();
    private FileStream? _file;
    private long _written;

    public CrateSpool(int memoryLimit = MemoryLimit) => _memoryLimit = memoryLimit;

    /// <summary>The bytes when they fit in memory; null once they went to a temp file.</summary>
    public ArraySegment<byte>? Bytes
    {
        get
        {
            // Not a conditional expression: a null there would become an empty Memory through its conversion from an array.
            if (_memory is not { } memory) return null;
            return new ArraySegment<byte>(memory.GetBuffer(), 0, (int)memory.Length);
        }
    }

    /// <summary>The sha256 of everything written, in lowercase hex. Call once, after the last write.</summary>
    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    /// <summary>A stream over everything written, from its start (the spool's own file stream when spilled: read it once).</summary>
    public Stream OpenRead()
    {
        if (Bytes is { } bytes) return new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        _file!.Position = 0;
        return new NonDisposing(_file);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Append(buffer);
        if (_file is not null) _file.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A write to memory completes at once: no hop to the thread pool per chunk (a file stream's async write takes one).
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_memory is { } memory && memory.Length + buffer.Length > _memoryLimit) return SpillAsync(buffer, cancellationToken);
        Append(buffer.Span);
        return _file is null ? ValueTask.CompletedTask : _file.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// The write that no longer fits in memory: creates the temp file and writes what was held, from the thread pool.
    /// The download may run on a socket event thread (a proxy mount's cold download, Core/Threading/IoThreads), which
    /// must not wait for a disk; later writes are the file stream's own asynchronous writes, which never block it.
    /// </summary>
    private async ValueTask SpillAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await IoThreads.LeaveAsync();
        Append(buffer.Span);
        await _file!.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _file?.Dispose();
            _memory = null;
        }
        base.Dispose(disposing);
    }

    /// <summary>Hashes the chunk and keeps it in memory while it fits; moves to a temp file when it no longer does.</summary>
    private void Append(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _written += buffer.Length;
        if (_memory is null) return;
        if (_memory.Length + buffer.Length <= _memoryLimit)
        {
            _memory.Write(buffer);
            return;
        }
        _file = TempFile();
        _file.Write(_memory.GetBuffer(), 0, (int)_memory.Length);
        _memory = null;
        // The caller writes this chunk to the file now.
    }

    private static FileStream TempFile() =>
        new(Path.Combine(Path.GetTempPath(), "ghostcrate-proxy-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>Lets a reader dispose its stream without closing (and so deleting) the spool's file.</summary>
    private sealed class NonDisposing(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
