using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace GhostCrate.Packaging.Tests;

/// <summary>Builds .crate archives in memory, hostile ones included.</summary>
internal sealed class CrateBuilder
{
    private readonly List<Func<TarEntryFormat, TarEntry>> _entries = [];

    public static string ManifestText(string name, string version, string extra = "") =>
        $"[package]\nedition = \"2021\"\nname = \"{name}\"\nversion = \"{version}\"\n{extra}";

    /// <summary>A crate laid out the way `cargo package` writes it (sorted, Cargo.toml near the top).</summary>
    public static CrateBuilder Valid(string name = "demo", string version = "1.0.0") => new CrateBuilder()
        .File($"{name}-{version}/Cargo.toml", ManifestText(name, version, "readme = \"README.md\"\n"))
        .File($"{name}-{version}/Cargo.toml.orig", "[package]\nname = \"demo\"\n")
        .File($"{name}-{version}/README.md", "# Demo\n")
        .File($"{name}-{version}/src/lib.rs", "pub fn f() {}\n");

    public CrateBuilder File(string path, string content) => File(path, Encoding.UTF8.GetBytes(content));

    public CrateBuilder File(string path, byte[] content) =>
        Entry(format => NewEntry(format, TarEntryType.RegularFile, path, new MemoryStream(content)));

    public CrateBuilder File(string path, Func<Stream> content) =>
        Entry(format => NewEntry(format, TarEntryType.RegularFile, path, content()));

    public CrateBuilder Directory(string path) => Entry(format => NewEntry(format, TarEntryType.Directory, path, null));

    public CrateBuilder Link(TarEntryType type, string path, string target) => Entry(format =>
    {
        var entry = NewEntry(format, type, path, null);
        entry.LinkName = target;
        return entry;
    });

    public CrateBuilder Special(TarEntryType type, string path) => Entry(format => NewEntry(format, type, path, null));

    public CrateBuilder Entry(Func<TarEntryFormat, TarEntry> entry)
    {
        _entries.Add(entry);
        return this;
    }

    public byte[] BuildTar(TarEntryFormat format = TarEntryFormat.Gnu)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, format, leaveOpen: true))
        {
            foreach (var entry in _entries) writer.WriteEntry(entry(format));
        }
        return output.ToArray();
    }

    public byte[] Build(TarEntryFormat format = TarEntryFormat.Gnu) => Gzip(BuildTar(format));

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    private static TarEntry NewEntry(TarEntryFormat format, TarEntryType type, string path, Stream? data)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.Pax => new PaxTarEntry(type, path),
            TarEntryFormat.Ustar => new UstarTarEntry(type, path),
            _ => new GnuTarEntry(type, path),
        };
        if (data is not null) entry.DataStream = data;
        return entry;
    }
}
