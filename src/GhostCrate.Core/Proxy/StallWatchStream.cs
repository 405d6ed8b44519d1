namespace GhostCrate.Core.Proxy;

/// <summary>
/// The destination of an upstream .crate download: every chunk written moves the call's deadline to the stall limit
/// from now (Proxy:Upstreams:NAME:StallTimeout), so a download that keeps receiving bytes is never cut by the request
/// timeout, and one that sends nothing for the limit is. Write-only; the caller keeps and owns the inner stream.
/// </summary>
internal sealed class StallWatchStream(Stream inner, CancellationTokenSource deadline, TimeSpan stallLimit) : Stream
{
    /// <summary>Bytes received so far.</summary>
    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Progress(buffer.Length);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Progress(buffer.Length);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Called when bytes arrived, before they are written: the time a slow spool takes is not the upstream's stall.</summary>
    private void Progress(int count)
    {
        if (count == 0) return;
        Written += count;
        // A CancellationTokenSource made with a TimeProvider re-arms that provider's timer, so tests move it by hand.
        if (!deadline.IsCancellationRequested) deadline.CancelAfter(stallLimit);
    }
}
