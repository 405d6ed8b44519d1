namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// Sits right after GZipStream: counts decompressed bytes and stops at the limit, so a decompression
/// bomb costs at most <c>limit</c> bytes of work instead of being inflated in full first. Also keeps
/// the CRC-32 for <see cref="GzipTrailer"/> and records gzip failures, which it reports as end of stream
/// so the tar reader stops and the caller can report the real cause.
/// </summary>
internal sealed class InflateMeter(Stream inflater, long limit) : ForwardOnlyStream
{
    private uint _crc = Crc32.Initial;

    public long BytesProduced { get; private set; }
    public bool LimitExceeded { get; private set; }
    public Exception? InflateFailure { get; private set; }
    public bool ReachedEnd { get; private set; }
    public uint Crc => Crc32.Finish(_crc);

    public override int Read(Span<byte> buffer)
    {
        if (LimitExceeded || InflateFailure is not null || ReachedEnd || buffer.IsEmpty) return 0;

        // Ask for at most one byte past the limit: enough to know it was crossed, no more.
        var remaining = limit - BytesProduced;
        var wanted = remaining >= buffer.Length ? buffer.Length : (int)remaining + 1;
        int read;
        try
        {
            read = inflater.Read(buffer[..wanted]);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            InflateFailure = ex;
            return 0;
        }

        if (read == 0)
        {
            ReachedEnd = true;
            return 0;
        }
        BytesProduced += read;
        if (BytesProduced > limit)
        {
            LimitExceeded = true;
            return 0;
        }
        _crc = Crc32.Update(_crc, buffer[..read]);
        return read;
    }

    /// <summary>Reads whatever is left (still bounded by the limit) so the gzip trailer can be verified.</summary>
    public void Drain()
    {
        var buffer = new byte[64 * 1024];
        while (Read(buffer) > 0)
        {
        }
    }
}
