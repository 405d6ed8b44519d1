using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Bench;

/// <summary>Builds what `cargo package` + `cargo publish` send: a gzipped tarball and the framed publish body.</summary>
public static class CrateFiles
{
    private const string Lorem =
        "GhostCrate benchmark crate. It parses, formats and validates things quickly, with careful error messages and no " +
        "unsafe code. Add it to your Cargo.toml, enable the features you need and read the examples below. ";

    public static byte[] PublishBody(CratePlan crate, VersionPlan version)
    {
        var features = FeaturesOf(version);
        var readme = ReadmeOf(crate, version);
        var meta = new PublishMetadata
        {
            Name = crate.Name,
            Vers = version.Version,
            Deps = version.Deps.Select(d => new PublishDependency
            {
                Name = d.Name,
                VersionReq = d.Req,
                Optional = d.Optional,
                Kind = d.Kind,
                Target = d.Target,
                Features = d.Kind == "normal" && d.Name.Length % 3 == 0 ? ["std"] : [],
            }).ToList(),
            Features = features,
            Authors = ["Bench Author <bench@example.com>"],
            Description = crate.Description,
            Keywords = crate.Keywords,
            Categories = ["development-tools"],
            License = "MIT OR Apache-2.0",
            Repository = $"https://git.example.com/{crate.Name}",
            ReadmeFile = "README.md",
            RustVersion = crate.Index % 4 == 0 ? "1.70" : null,
        };
        var crateFile = Tarball(crate, version, readme, features);
        var json = JsonSerializer.SerializeToUtf8Bytes(meta);
        var body = new byte[8 + json.Length + crateFile.Length];
        BitConverter.TryWriteBytes(body.AsSpan(0, 4), (uint)json.Length);
        json.CopyTo(body.AsSpan(4));
        BitConverter.TryWriteBytes(body.AsSpan(4 + json.Length, 4), (uint)crateFile.Length);
        crateFile.CopyTo(body.AsSpan(8 + json.Length));
        return body;
    }

    private static Dictionary<string, IReadOnlyList<string>> FeaturesOf(VersionPlan version)
    {
        var features = new Dictionary<string, IReadOnlyList<string>> { ["default"] = ["std"], ["std"] = [] };
        foreach (var dep in version.Deps.Where(d => d.Optional)) features[dep.Name.Replace('_', '-')] = [$"dep:{dep.Name}"];
        for (var f = 0; f < version.ExtraFeatures; f++) features[$"feature-{f}"] = f == 0 ? ["std"] : [$"feature-{f - 1}"];
        return features;
    }

    private static string ReadmeOf(CratePlan crate, VersionPlan version)
    {
        var text = new StringBuilder($"# {crate.Name} {version.Version}\n\n{crate.Description}\n\n");
        while (text.Length < version.ReadmeBytes) text.Append(Lorem);
        text.Append("\n\n```rust\nuse ").Append(crate.Name.Replace('-', '_')).Append("::*;\n```\n");
        return text.ToString();
    }

    private static byte[] Tarball(CratePlan crate, VersionPlan version, string readme, Dictionary<string, IReadOnlyList<string>> features)
    {
        var root = $"{crate.Name}-{version.Version}";
        var manifest = new StringBuilder();
        manifest.Append("[package]\n")
            .Append($"name = \"{crate.Name}\"\nversion = \"{version.Version}\"\nedition = \"2021\"\n")
            .Append($"description = \"{crate.Description}\"\nlicense = \"MIT OR Apache-2.0\"\nreadme = \"README.md\"\n\n");
        foreach (var group in version.Deps.GroupBy(d => (d.Kind, d.Target)))
        {
            var table = group.Key.Kind switch { "dev" => "dev-dependencies", "build" => "build-dependencies", _ => "dependencies" };
            manifest.Append(group.Key.Target is { } target ? $"[target.'{target}'.{table}]\n" : $"[{table}]\n");
            foreach (var dep in group) manifest.Append($"{dep.Name} = {{ version = \"{dep.Req}\"{(dep.Optional ? ", optional = true" : "")} }}\n");
            manifest.Append('\n');
        }
        manifest.Append("[features]\n");
        foreach (var (name, values) in features) manifest.Append($"{name} = [{string.Join(", ", values.Select(v => $"\"{v}\""))}]\n");

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            Add(tar, $"{root}/Cargo.toml", Encoding.UTF8.GetBytes(manifest.ToString()));
            Add(tar, $"{root}/README.md", Encoding.UTF8.GetBytes(readme));
            Add(tar, $"{root}/src/lib.rs", Encoding.UTF8.GetBytes($"//! {crate.Description}\n\npub fn version() -> &'static str {{ \"{version.Version}\" }}\n"));
            if (version.PayloadBytes > 0)
            {
                // Incompressible, so the .crate really is this large.
                var payload = new byte[version.PayloadBytes];
                new Random(crate.Index).NextBytes(payload);
                Add(tar, $"{root}/data/blob.bin", payload);
            }
        }
        return output.ToArray();
    }

    private static void Add(TarWriter tar, string path, byte[] content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, path)
        {
            DataStream = new MemoryStream(content),
            ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        tar.WriteEntry(entry);
    }
}
