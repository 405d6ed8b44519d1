using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace GhostCrate.Testing;

/// <summary>Builds .crate files and publish bodies in memory, including hostile ones.</summary>
public sealed class CrateFileBuilder(string name, string version)
{
    private readonly List<(string Path, byte[] Content, TarEntryType Type, string? LinkTarget)> _entries = [];
    private readonly HashSet<string> _executables = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public string Version { get; } = version;

    public static CrateFileBuilder Valid(string name, string version, string? manifestName = null, string? manifestVersion = null) =>
        new CrateFileBuilder(name, version)
            .File($"{name}-{version}/Cargo.toml", $"[package]\nname = \"{manifestName ?? name}\"\nversion = \"{manifestVersion ?? version}\"\nedition = \"2021\"\nreadme = \"README.md\"\n")
            .File($"{name}-{version}/README.md", $"# {name}\n\nThe readme of {name}.\n")
            .File($"{name}-{version}/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");

    public CrateFileBuilder File(string path, string content) => File(path, Encoding.UTF8.GetBytes(content));

    public CrateFileBuilder File(string path, byte[] content)
    {
        _entries.Add((path, content, TarEntryType.RegularFile, null));
        return this;
    }

    /// <summary>A regular file with mode 0755, as `cargo package` writes a file that has an executable bit.</summary>
    public CrateFileBuilder Executable(string path, byte[] content)
    {
        _executables.Add(path);
        return File(path, content);
    }

    public CrateFileBuilder Symlink(string path, string target)
    {
        _entries.Add((path, [], TarEntryType.SymbolicLink, target));
        return this;
    }

    public byte[] BuildCrate()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content, type, link) in _entries)
            {
                var entry = new PaxTarEntry(type, path);
                if (link is not null) entry.LinkName = link;
                if (type == TarEntryType.RegularFile) entry.DataStream = new MemoryStream(content);
                if (_executables.Contains(path)) entry.Mode = (UnixFileMode)0b111_101_101;
                tar.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    public static object Metadata(string name, string version, object[]? deps = null, Dictionary<string, string[]>? features = null) => new
    {
        name,
        vers = version,
        deps = deps ?? [],
        features = features ?? new Dictionary<string, string[]>(),
        authors = Array.Empty<string>(),
        description = $"The {name} crate",
        keywords = new[] { "test" },
        categories = Array.Empty<string>(),
        license = "MIT",
    };

    public static object Dependency(string name, string req, string? registry = null, string kind = "normal", bool optional = false, string? rename = null, string? target = null) => new
    {
        name,
        version_req = req,
        features = Array.Empty<string>(),
        optional,
        default_features = true,
        target,
        kind,
        registry,
        explicit_name_in_toml = rename,
    };

    /// <summary>Cargo's publish framing: u32 LE JSON length, JSON, u32 LE crate length, crate bytes.</summary>
    public static byte[] PublishBody(object metadata, byte[] crate)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(metadata);
        using var body = new MemoryStream();
        body.Write(BitConverter.GetBytes((uint)json.Length));
        body.Write(json);
        body.Write(BitConverter.GetBytes((uint)crate.Length));
        body.Write(crate);
        return body.ToArray();
    }

    public byte[] PublishBody(object[]? deps = null, Dictionary<string, string[]>? features = null) =>
        PublishBody(Metadata(Name, Version, deps, features), BuildCrate());
}
