using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace GhostCrate.Testing;

/// <summary>
/// Builds rustdoc upload archives (zip or tar.gz), well-formed or hostile: entries are written exactly as given, so
/// `../x`, absolute paths, links and fifos reach the server as an attacker would send them.
/// </summary>
public sealed class DocsArchiveBuilder
{
    private readonly List<(string Name, byte[] Content, TarEntryType Type, string? LinkTarget)> _entries = [];

    /// <summary>A minimal rustdoc-like tree for crate <paramref name="crateName"/> (lib name with `_`).</summary>
    public static DocsArchiveBuilder Rustdoc(string crateName, string prefix = "doc/")
    {
        var lib = crateName.Replace('-', '_');
        return new DocsArchiveBuilder()
            .File($"{prefix}{lib}/index.html", $"<!DOCTYPE html><html><head><title>{lib} - Rust</title><script src=\"../static.files/main.js\"></script></head><body><h1>Crate {lib}</h1><a href=\"fn.hello.html\">hello</a></body></html>")
            .File($"{prefix}{lib}/fn.hello.html", "<!DOCTYPE html><html><body>fn hello</body></html>")
            .File($"{prefix}static.files/main.js", "window.loaded = true;")
            .File($"{prefix}static.files/rustdoc.css", "body { color: black; }")
            .File($"{prefix}search-index.js", "var searchIndex = {};");
    }

    public DocsArchiveBuilder File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    public DocsArchiveBuilder File(string name, byte[] content)
    {
        _entries.Add((name, content, TarEntryType.RegularFile, null));
        return this;
    }

    public DocsArchiveBuilder Directory(string name)
    {
        _entries.Add((name, [], TarEntryType.Directory, null));
        return this;
    }

    public DocsArchiveBuilder Symlink(string name, string target)
    {
        _entries.Add((name, [], TarEntryType.SymbolicLink, target));
        return this;
    }

    public DocsArchiveBuilder HardLink(string name, string target)
    {
        _entries.Add((name, [], TarEntryType.HardLink, target));
        return this;
    }

    public DocsArchiveBuilder Fifo(string name)
    {
        _entries.Add((name, [], TarEntryType.Fifo, null));
        return this;
    }

    /// <summary>A character device entry, or a block device one (<paramref name="block"/>): what /dev holds.</summary>
    public DocsArchiveBuilder Device(string name, bool block = false)
    {
        _entries.Add((name, [], block ? TarEntryType.BlockDevice : TarEntryType.CharacterDevice, null));
        return this;
    }

    public byte[] TarGz()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content, type, link) in _entries)
            {
                var entry = new PaxTarEntry(type, name) { Mode = type == TarEntryType.Directory ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4 };
                if (link is not null) entry.LinkName = link;
                if (type == TarEntryType.RegularFile) entry.DataStream = new MemoryStream(content);
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public byte[] Zip()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, type, link) in _entries)
            {
                var entry = zip.CreateEntry(type == TarEntryType.Directory && !name.EndsWith('/') ? name + "/" : name, CompressionLevel.Fastest);
                // Info-ZIP keeps the Unix mode (type bits included) in the upper 16 bits of the external attributes.
                var mode = type switch
                {
                    TarEntryType.SymbolicLink => 0xA1FF,
                    TarEntryType.Fifo => 0x11A4,
                    TarEntryType.CharacterDevice => 0x21A4,
                    TarEntryType.BlockDevice => 0x61A4,
                    TarEntryType.Directory => 0x41ED,
                    _ => 0x81A4,
                };
                entry.ExternalAttributes = mode << 16;
                using var stream = entry.Open();
                stream.Write(type == TarEntryType.SymbolicLink ? Encoding.UTF8.GetBytes(link!) : content);
            }
        }
        return output.ToArray();
    }
}
