using System.Formats.Tar;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

public sealed class StrictTarCheckTests
{
    [Fact]
    public void Every_byte_of_every_header_and_of_the_padding_counts()
    {
        var dir = TempDir.Create("tar");
        try
        {
            var path = Path.Combine(dir, "bundle.tar");
            using (var file = File.Create(path))
            using (var tar = new TarWriter(file, TarEntryFormat.Ustar))
            {
                foreach (var (name, size) in new[] { ("a.txt", 10), ("dir/b.bin", 700) })
                {
                    tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(new byte[size]) });
                }
            }
            var original = File.ReadAllBytes(path);
            StrictTarCheck.Verify(path);

            // Both headers (including every byte of their checksum fields, which their own sums do not cover), the
            // padding after each file's data and the end-of-archive blocks; the data itself is covered by hashes.
            var headers = new[] { 0, 1024 };
            var positions = headers.SelectMany(h => Enumerable.Range(h, 512))
                .Concat(Enumerable.Range(512 + 10, 502))
                .Concat(Enumerable.Range(1536 + 700, 1024 - 700))
                .Concat(Enumerable.Range(2560, original.Length - 2560));
            foreach (var position in positions)
            {
                var tampered = (byte[])original.Clone();
                tampered[position] ^= 0x01;
                File.WriteAllBytes(path, tampered);
                Assert.True(Throws(path), $"a flipped byte {position} (byte {position % 512} of its block) was not noticed");
            }
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }

    private static bool Throws(string path)
    {
        try
        {
            StrictTarCheck.Verify(path);
            return false;
        }
        catch (MirrorException)
        {
            return true;
        }
    }
}
