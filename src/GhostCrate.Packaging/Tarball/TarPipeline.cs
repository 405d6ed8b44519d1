using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// crate bytes → GZipStream → <see cref="InflateMeter"/> (size limit, CRC) → <see cref="TarHeaderGuard"/> → TarReader.
/// Everything streams: nothing is inflated ahead of what the tar reader asks for.
/// </summary>
internal sealed class TarPipeline : IDisposable
{
    private readonly MemoryStream _source;
    private readonly GZipStream _gzip;

    public TarPipeline(ReadOnlyMemory<byte> crateFile, long maxUnpackedBytes)
    {
        _source = MemoryMarshal.TryGetArray(crateFile, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(crateFile.ToArray(), writable: false);
        _gzip = new GZipStream(_source, CompressionMode.Decompress);
        Meter = new InflateMeter(_gzip, maxUnpackedBytes);
        Guard = new TarHeaderGuard(Meter, maxUnpackedBytes);
        Reader = new TarReader(Guard, leaveOpen: true);
    }

    public InflateMeter Meter { get; }
    public TarHeaderGuard Guard { get; }
    public TarReader Reader { get; }

    public void Dispose()
    {
        Reader.Dispose();
        _gzip.Dispose();
        _source.Dispose();
    }
}
