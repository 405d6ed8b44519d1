namespace GhostCrate.Core.Threading;

/// <summary>
/// A stream whose asynchronous reads and writes, when they had to wait, give their result on a thread-pool thread.
/// With inline socket completions a waiting socket read completes on a socket event thread, and so would whatever the
/// caller does next (parse a publish, write to SQLite); see <see cref="IoThreads"/>. Operations that complete at once
/// add nothing, and neither do reads of a flow that asked for <see cref="IoThreads.ResumeOnSocketThread"/>.
/// </summary>
public sealed class PoolResumingStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanTimeout => inner.CanTimeout;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int ReadTimeout
    {
        get => inner.ReadTimeout;
        set => inner.ReadTimeout = value;
    }

    public override int WriteTimeout
    {
        get => inner.WriteTimeout;
        set => inner.WriteTimeout = value;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompleted || IoThreads.MayResumeOnSocketThread ? read : ResumeOnPool(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = inner.WriteAsync(buffer, cancellationToken);
        return write.IsCompleted ? write : ResumeOnPool(write);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        var flush = inner.FlushAsync(cancellationToken);
        return flush.IsCompleted ? flush : ResumeOnPool(new ValueTask(flush)).AsTask();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => inner.SetLength(value);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private static async ValueTask<int> ResumeOnPool(ValueTask<int> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        finally
        {
            await new IoThreads.PoolHop(needed: true);
        }
    }

    private static async ValueTask ResumeOnPool(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            await new IoThreads.PoolHop(needed: true);
        }
    }
}
