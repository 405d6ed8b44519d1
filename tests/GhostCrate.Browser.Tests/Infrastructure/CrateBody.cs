using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace GhostCrate.Browser.Tests.Infrastructure;

/// <summary>A publish request body (Cargo's framing: metadata JSON, then the .crate file) built in memory.</summary>
public sealed record CrateBody(string Name, string Version)
{
    public string? Readme { get; init; }
    public string? Description { get; init; }
    public string? Repository { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<object> Dependencies { get; init; } = [];
    public IReadOnlyDictionary<string, string[]> Features { get; init; } = new Dictionary<string, string[]>();

    /// <summary>More files in the package, by path inside it (e.g. `build.rs`), next to Cargo.toml and src/lib.rs.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    public static object Dependency(string name, string req, string kind = "normal", string? registry = null, bool optional = false) => new
    {
        name,
        version_req = req,
        features = Array.Empty<string>(),
        optional,
        default_features = true,
        target = (string?)null,
        kind,
        registry,
        explicit_name_in_toml = (string?)null,
    };

    public const string CratesIo = "https://github.com/rust-lang/crates.io-index";

    public byte[] Build()
    {
        var metadata = JsonSerializer.SerializeToUtf8Bytes(new
        {
            name = Name,
            vers = Version,
            deps = Dependencies,
            features = Features,
            authors = Array.Empty<string>(),
            description = Description ?? $"The {Name} crate",
            keywords = Keywords,
            categories = Categories,
            license = "MIT",
            repository = Repository,
            readme_file = Readme is null ? null : "README.md",
        });
        var crate = Tarball();
        using var body = new MemoryStream();
        body.Write(BitConverter.GetBytes((uint)metadata.Length));
        body.Write(metadata);
        body.Write(BitConverter.GetBytes((uint)crate.Length));
        body.Write(crate);
        return body.ToArray();
    }

    private byte[] Tarball()
    {
        var files = new List<(string Path, string Content)>
        {
            ($"{Name}-{Version}/Cargo.toml", $"[package]\nname = \"{Name}\"\nversion = \"{Version}\"\nedition = \"2021\"\n{(Readme is null ? "" : "readme = \"README.md\"\n")}"),
            ($"{Name}-{Version}/src/lib.rs", "pub fn answer() -> u32 { 42 }\n"),
        };
        if (Readme is not null) files.Add(($"{Name}-{Version}/README.md", Readme));
        files.AddRange(Files.Select(f => ($"{Name}-{Version}/{f.Key}", f.Value)));
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }
        }
        return output.ToArray();
    }
}
