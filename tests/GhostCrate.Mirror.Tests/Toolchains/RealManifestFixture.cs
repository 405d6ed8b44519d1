using System.IO.Compression;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Tests.Toolchains;

/// <summary>The real Rust 1.95.0 channel manifest, as rustup downloaded it (Fixtures/, gzipped unchanged).</summary>
internal static class RealManifestFixture
{
    public const string Sha256 = "46c1f8d1bcef24174217545ece8c22eb395a42e3534f618736c17a759a31e255";

    public static byte[] Bytes()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Fixtures", "channel-rust-1.95.0.toml.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    public static ChannelManifest Parse() => ChannelManifest.Parse(Bytes());
}
