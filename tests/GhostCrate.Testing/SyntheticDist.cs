using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace GhostCrate.Testing;

/// <summary>
/// A small dist tree in the layout of static.rust-lang.org, with component archives rustup can install: real
/// rust-installer tarballs (`NAME-VERSION-TARGET/` with `rust-installer-version` = 3, `components`, and per component
/// `manifest.in` listing `file:` lines; the format rustup's `src/dist/component/package.rs` reads). `rustc` and `cargo`
/// are shell scripts that print a version. The channel manifest is signed with the test's gpg key.
/// Hosts: x86_64-unknown-linux-gnu (and <c>extraHosts</c>, each with its own rustc, cargo, clippy and rust-std); rust-std
/// also for wasm32-unknown-unknown and aarch64-unknown-linux-gnu. Used by the Mirror tests and by the EndToEnd run of
/// docs/toolchains.md.
/// </summary>
public sealed class SyntheticDist : IDisposable
{
    public const string Host = "x86_64-unknown-linux-gnu";
    public const string Cross = "wasm32-unknown-unknown";
    public const string Unmirrored = "aarch64-unknown-linux-gnu";

    private readonly IReadOnlyList<string> _hosts;

    public SyntheticDist(Gpg gpg, string version = "1.95.0", string date = "2026-04-16", IReadOnlyList<string>? extraHosts = null)
    {
        Root = Path.Combine(Path.GetTempPath(), $"gc-dist-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        Gpg = gpg;
        _hosts = [Host, .. extraHosts ?? []];
        Publish(version, date);
        WriteRustupRelease("1.29.0");
    }

    public string Root { get; }
    public Gpg Gpg { get; }

    /// <summary>Every archive of the last published release: dist-relative path to SHA-256.</summary>
    public Dictionary<string, string> Archives { get; } = new(StringComparer.Ordinal);

    public string ManifestText { get; private set; } = "";

    public string Full(string relative) => Path.Combine(Root, relative);

    /// <summary>
    /// Builds a release's archives and manifest, and publishes it as stable, X.Y and X.Y.Z (dated and not); or, with a
    /// <paramref name="channel"/> (`beta`, `nightly`), as that channel only, dated and not, with archives named after the
    /// channel as static.rust-lang.org names them (`rustc-beta-x86_64-unknown-linux-gnu.tar.xz`) and a version such as
    /// `1.96.0-beta.3` or `1.97.0-nightly`.
    /// </summary>
    public void Publish(string version, string date, string? manifestExtra = null, string? channel = null)
    {
        Archives.Clear();
        var pkgs = new StringBuilder();
        var archiveVersion = channel ?? version;
        void Package(string pkg, string stem, string target, string component, params (string Path, string Content, bool Exec)[] files)
        {
            var dir = target == "*" ? $"{stem}-{archiveVersion}" : $"{stem}-{archiveVersion}-{target}";
            var relative = $"dist/{date}/{dir}.tar.gz";
            var hash = WriteInstaller(relative, dir, component, files);
            pkgs.Append($"[pkg.{pkg}.target.\"{target}\"]\navailable = true\nurl = \"https://static.rust-lang.org/{relative}\"\nhash = \"{hash}\"\n\n");
        }

        var rustc = $"#!/bin/sh\necho \"rustc {version} (5ynth371c {date})\"\n";
        foreach (var host in _hosts) Package("rustc", "rustc", host, "rustc", ("bin/rustc", rustc, true));
        foreach (var host in _hosts) Package("cargo", "cargo", host, "cargo", ("bin/cargo", $"#!/bin/sh\necho \"cargo {version} (5ynth371c {date})\"\n", true));
        foreach (var host in _hosts)
            Package("clippy-preview", "clippy", host, "clippy-preview", ("bin/cargo-clippy", $"#!/bin/sh\necho \"clippy 0.1.{version.Split('.')[1]}\"\n", true));
        foreach (var target in _hosts.Concat(new[] { Cross, Unmirrored }).Distinct())
            Package("rust-std", "rust-std", target, $"rust-std-{target}", ($"lib/rustlib/{target}/lib/libstd-synthetic.rlib", $"std for {target} {version}\n", false));
        Package("rust-src", "rust-src", "*", "rust-src", ("lib/rustlib/src/rust/library/std/src/lib.rs", "// synthetic\n", false));

        var manifest = new StringBuilder();
        manifest.Append($"manifest-version = \"2\"\ndate = \"{date}\"\n\n");
        foreach (var pkg in new[] { "rustc", "cargo", "clippy-preview", "rust-std", "rust-src" })
            manifest.Append($"[pkg.{pkg}]\nversion = \"{version} (5ynth371c {date})\"\n\n");
        manifest.Append($"[pkg.rust]\nversion = \"{version} (5ynth371c {date})\"\n\n");
        foreach (var host in _hosts)
        {
            manifest.Append($"[pkg.rust.target.{host}]\navailable = true\nurl = \"https://static.rust-lang.org/dist/{date}/rust-{archiveVersion}-{host}.tar.gz\"\n");
            manifest.Append($"hash = \"{new string('0', 64)}\"\n");
            manifest.Append($"components = [{Ref("rustc", host)}, {Ref("rust-std", host)}, {Ref("cargo", host)}]\n");
            manifest.Append($"extensions = [{Ref("clippy-preview", host)}, {Ref("rust-src", "*")}, " +
                string.Join(", ", new[] { Cross, Unmirrored }.Where(t => t != host).Select(t => Ref("rust-std", t))) + "]\n\n");
        }
        manifest.Append(pkgs);
        manifest.Append("[renames.clippy]\nto = \"clippy-preview\"\n\n");
        manifest.Append("[profiles]\nminimal = [\"rustc\", \"cargo\", \"rust-std\"]\ndefault = [\"rustc\", \"cargo\", \"rust-std\", \"clippy-preview\"]\n");
        manifest.Append("complete = [\"rustc\", \"cargo\", \"rust-std\", \"clippy-preview\", \"rust-src\"]\n");
        manifest.Append(manifestExtra);
        ManifestText = manifest.ToString();

        var minor = string.Join('.', version.Split('.').Take(2));
        foreach (var name in channel is null ? new[] { "stable", minor, version } : [channel])
        {
            WriteManifest($"dist/channel-rust-{name}.toml");
            WriteManifest($"dist/{date}/channel-rust-{name}.toml");
        }
    }

    /// <summary>Writes a manifest with its .sha256 and a gpg .asc.</summary>
    public void WriteManifest(string relative, string? text = null, Gpg? signer = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text ?? ManifestText);
        var path = Full(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        File.WriteAllText(path + ".sha256", $"{Convert.ToHexStringLower(SHA256.HashData(bytes))}  {Path.GetFileName(path)}\n");
        (signer ?? Gpg).SignDetached(path);
    }

    public void WriteRustupRelease(string version)
    {
        Directory.CreateDirectory(Full("rustup"));
        File.WriteAllText(Full("rustup/release-stable.toml"), $"schema-version = \"1\"\nversion = \"{version}\"\n");
    }

    /// <summary>rustup's binary for a host, as static.rust-lang.org publishes it: versioned under archive/, latest under dist/.</summary>
    public void WriteRustupInit(string version, string host, byte[] binary)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(binary));
        foreach (var relative in new[] { $"rustup/archive/{version}/{host}/rustup-init", $"rustup/dist/{host}/rustup-init" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Full(relative))!);
            File.WriteAllBytes(Full(relative), binary);
            File.WriteAllText(Full(relative) + ".sha256", $"{hash}  rustup-init\n");
        }
    }

    private static string Ref(string pkg, string target) => $"{{ pkg = \"{pkg}\", target = \"{target}\" }}";

    private string WriteInstaller(string relative, string dir, string component, (string Path, string Content, bool Exec)[] files)
    {
        var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            void Dir(string name) => tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = (UnixFileMode)0b111_101_101 });
            void File(string name, string content, bool exec)
            {
                var data = Encoding.UTF8.GetBytes(content);
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = exec ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                    DataStream = new MemoryStream(data),
                });
            }
            Dir(dir);
            File($"{dir}/rust-installer-version", "3\n", false);
            File($"{dir}/components", component + "\n", false);
            Dir($"{dir}/{component}");
            File($"{dir}/{component}/manifest.in", string.Concat(files.Select(f => $"file:{f.Path}\n")), false);
            var made = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (path, content, exec) in files)
            {
                var parts = path.Split('/');
                for (var i = 1; i < parts.Length; i++)
                {
                    var folder = $"{dir}/{component}/{string.Join('/', parts[..i])}";
                    if (made.Add(folder)) Dir(folder);
                }
                File($"{dir}/{component}/{path}", content, exec);
            }
        }
        var full = Full(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var archive = bytes.ToArray();
        System.IO.File.WriteAllBytes(full, archive);
        var hash = Convert.ToHexStringLower(SHA256.HashData(archive));
        System.IO.File.WriteAllText(full + ".sha256", $"{hash}  {Path.GetFileName(full)}\n");
        Archives[relative] = hash;
        return hash;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
