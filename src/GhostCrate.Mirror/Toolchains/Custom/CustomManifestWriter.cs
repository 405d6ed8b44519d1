using System.Text;

namespace GhostCrate.Mirror.Toolchains.Custom;

/// <summary>One stored component archive of a custom toolchain: the manifest package and target it provides.</summary>
/// <param name="Path">Below the custom toolchain's dist root: `dist/UPLOAD/FILE.tar.gz`.</param>
public sealed record CustomPackage(string Pkg, string Target, string Path, string Sha256, long Size);

/// <summary>
/// Writes the v2 channel manifest of a custom toolchain (https://rust-lang.github.io/rustup/concepts/channels.html,
/// rustup `src/dist/manifest.rs`): one `[pkg.NAME.target.TRIPLE]` per stored archive with its SHA-256, `pkg.rust`
/// for the host listing the components (rustc, cargo, the host's rust-std) and every other package as an extension,
/// `[renames]` for the `-preview` packages that users name without the suffix, and profiles. Archive URLs use the
/// official prefix, which rustup (and `ghostcrate toolchain install`) swap for the dist root they were pointed at, so
/// the same bytes serve whatever host name or port the server is reached by, and their hash never changes.
/// </summary>
public static class CustomManifestWriter
{
    private static readonly string[] Minimal = ["rustc", "cargo", "rust-std"];
    private static readonly string[] Default = ["rustc", "cargo", "rust-std", "rust-docs", "rustfmt-preview", "clippy-preview"];

    /// <summary>Old component names rustup users type, and the package names `x.py dist` writes for them.</summary>
    private static readonly (string From, string To)[] Renames =
        [("clippy", "clippy-preview"), ("rustfmt", "rustfmt-preview"), ("rls", "rls-preview"), ("rust-analyzer", "rust-analyzer-preview"),
         ("miri", "miri-preview"), ("llvm-tools", "llvm-tools-preview")];

    public static byte[] Write(string name, string host, string version, string date, IReadOnlyList<CustomPackage> packages)
    {
        var text = new StringBuilder();
        text.Append("# A custom toolchain uploaded to GhostCrate: install it with `ghostcrate toolchain install ").Append(name).Append("`.\n");
        text.Append("manifest-version = \"2\"\n");
        text.Append("date = \"").Append(date).Append("\"\n\n");

        var rustc = packages.Single(p => p.Pkg == "rustc" && p.Target == host);
        var isComponent = (CustomPackage p) => Minimal.Contains(p.Pkg) && p.Target == host;
        text.Append("[pkg.rust]\nversion = \"").Append(Escape(version)).Append("\"\n\n");
        text.Append("[pkg.rust.target.").Append(Key(host)).Append("]\navailable = true\n");
        // rustup reads the components of a v2 manifest and never downloads pkg.rust itself (it is the v1 combined
        // installer); it must still name an archive, so it names the compiler's, with its true hash.
        text.Append("url = \"").Append(Url(rustc.Path)).Append("\"\nhash = \"").Append(rustc.Sha256).Append("\"\n");
        text.Append("components = [").Append(string.Join(", ", packages.Where(isComponent).Select(Ref))).Append("]\n");
        text.Append("extensions = [").Append(string.Join(", ", packages.Where(p => !isComponent(p)).Select(Ref))).Append("]\n\n");

        foreach (var group in packages.GroupBy(p => p.Pkg).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append("[pkg.").Append(Key(group.Key)).Append("]\nversion = \"").Append(Escape(version)).Append("\"\n\n");
            foreach (var package in group.OrderBy(p => p.Target, StringComparer.Ordinal))
            {
                text.Append("[pkg.").Append(Key(group.Key)).Append(".target.").Append(Key(package.Target)).Append("]\navailable = true\n");
                text.Append("url = \"").Append(Url(package.Path)).Append("\"\nhash = \"").Append(package.Sha256).Append("\"\n\n");
            }
        }

        var names = packages.Select(p => p.Pkg).ToHashSet(StringComparer.Ordinal);
        foreach (var (from, to) in Renames)
        {
            if (names.Contains(to) && !names.Contains(from)) text.Append("[renames.").Append(from).Append("]\nto = \"").Append(to).Append("\"\n\n");
        }
        var hostNames = packages.Where(p => p.Target == host || p.Target == "*").Select(p => p.Pkg).Distinct().ToList();
        text.Append("[profiles]\n");
        text.Append("minimal = [").Append(List(Minimal.Where(hostNames.Contains))).Append("]\n");
        text.Append("default = [").Append(List(Default.Where(hostNames.Contains))).Append("]\n");
        text.Append("complete = [").Append(List(hostNames.Order(StringComparer.Ordinal))).Append("]\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Url(string path) => $"{DistPaths.OfficialServer}/{path}";

    private static string Ref(CustomPackage p) => $"{{ pkg = \"{p.Pkg}\", target = \"{p.Target}\" }}";

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"\"{n}\""));

    /// <summary>Package names and triples are checked to be `[A-Za-z0-9._+-]`; dots and `*` need quoting as TOML keys.</summary>
    private static string Key(string key) => key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? key : $"\"{key}\"";

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
