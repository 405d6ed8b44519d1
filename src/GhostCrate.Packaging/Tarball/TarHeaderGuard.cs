using System.Text;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// Watches the tar headers as they stream past, before System.Formats.Tar acts on them.
/// TarReader allocates a buffer of the declared size for pax and GNU long-name entries: a 100-byte
/// gzip with one header claiming 1 GiB makes it allocate 1 GiB. This guard refuses such metadata
/// entries (and any entry declaring more than the unpack limit) as soon as their header arrives.
/// It tracks entry boundaries the way TarReader does, including the pax `size` override, so a
/// crafted archive cannot desynchronise it and smuggle a header past it.
/// </summary>
internal sealed class TarHeaderGuard(Stream inner, long maxUnpackedBytes) : ForwardOnlyStream
{
    public const int MaxMetadataEntryBytes = 1024 * 1024;
    private const int Block = 512;

    private readonly byte[] _header = new byte[Block];
    private int _headerLength;
    private int _headerServed;
    private long _dataRemaining;
    private long? _paxSizeOverride;
    private MemoryStream? _paxCapture;
    private long _paxCaptureRemaining;

    public TarballError? Failure { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (Failure is not null || buffer.IsEmpty) return 0;

        if (_headerServed < _headerLength) return ServeHeader(buffer);

        if (_dataRemaining > 0)
        {
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _dataRemaining)]);
            ObservePaxData(buffer[..read]);
            _dataRemaining -= read;
            return read;
        }

        // At an entry boundary: take the whole header block before letting any of it through.
        _headerLength = inner.ReadAtLeast(_header, Block, throwOnEndOfStream: false);
        _headerServed = 0;
        if (_headerLength == Block) Inspect();
        return Failure is null ? ServeHeader(buffer) : 0;
    }

    private int ServeHeader(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _headerLength - _headerServed);
        _header.AsSpan(_headerServed, count).CopyTo(buffer);
        _headerServed += count;
        return count;
    }

    private void Inspect()
    {
        // An all-zero block marks the end of the archive; TarReader stops there.
        if (!_header.AsSpan().ContainsAnyExcept((byte)0)) return;

        // TarReader does not verify header checksums, but cargo's tar crate does: a crate with a
        // corrupt header would be accepted here and then fail for everyone who downloads it.
        if (!TarChecksum.IsValid(_header))
        {
            Fail(TarballErrorKind.CorruptTar, "the .crate file has a tar header with a wrong checksum");
            return;
        }

        var typeFlag = (char)_header[156];
        if (!TryReadSize(_header.AsSpan(124, 12), out var size))
        {
            Fail(TarballErrorKind.CorruptTar, "the .crate file has a tar header with an invalid size field");
            return;
        }

        switch (typeFlag)
        {
            case 'x' or 'g' or 'L' or 'K':
                if (size > MaxMetadataEntryBytes)
                {
                    Fail(TarballErrorKind.CorruptTar,
                        $"the .crate file has a tar metadata header of {ByteSize.Format(size)}; at most {ByteSize.Format(MaxMetadataEntryBytes)} is allowed");
                    return;
                }
                if (typeFlag == 'x') StartPaxCapture(size);
                break;

            // TarReader gives these no data section (and rejects them if the size is not zero).
            case '1' or '2' or '3' or '4' or '5' or '6':
                size = 0;
                _paxSizeOverride = null;
                break;

            default:
                // A preceding pax `size` record replaces the header's size field (pax, IEEE 1003.1-2001), as TarReader applies it.
                size = _paxSizeOverride ?? size;
                _paxSizeOverride = null;
                if (size > maxUnpackedBytes)
                {
                    var (actual, limit) = ByteSize.FormatPair(size, maxUnpackedBytes);
                    Fail(TarballErrorKind.UnpackedSizeExceeded,
                        $"a file in the .crate declares {actual}, more than this registry's unpacked size limit of {limit}");
                    return;
                }
                break;
        }
        _dataRemaining = (size + Block - 1) / Block * Block;
    }

    private void StartPaxCapture(long size)
    {
        _paxCapture = new MemoryStream((int)size);
        _paxCaptureRemaining = size;
        if (size == 0) FinishPaxCapture();
    }

    private void ObservePaxData(ReadOnlySpan<byte> data)
    {
        if (_paxCapture is null || data.IsEmpty) return;
        var take = (int)Math.Min(data.Length, _paxCaptureRemaining);
        _paxCapture.Write(data[..take]);
        _paxCaptureRemaining -= take;
        if (_paxCaptureRemaining == 0) FinishPaxCapture();
    }

    private void FinishPaxCapture()
    {
        var records = _paxCapture!.ToArray();
        _paxCapture = null;
        if (PaxRecords.TryFind(records, "size", out var value))
        {
            if (long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
                _paxSizeOverride = size;
            else
                Fail(TarballErrorKind.CorruptTar, "the .crate file has a pax header with an invalid size record");
        }
    }

    /// <summary>Octal ASCII, or GNU base-256 when the high bit of the first byte is set.</summary>
    private static bool TryReadSize(ReadOnlySpan<byte> field, out long size)
    {
        size = 0;
        if ((field[0] & 0x80) != 0)
        {
            if (field[0] != 0x80) return false; // negative or absurd
            foreach (var b in field[1..])
            {
                if (size > (long.MaxValue >> 8)) return false;
                size = (size << 8) | b;
            }
            return true;
        }
        var text = Encoding.ASCII.GetString(field).Trim(' ', '\0');
        foreach (var c in text)
        {
            if (c is < '0' or > '7') return false;
            if (size > (long.MaxValue >> 3)) return false;
            size = (size << 3) | (uint)(c - '0');
        }
        return true;
    }

    private void Fail(TarballErrorKind kind, string message) => Failure = new TarballError(kind, message);
}
