using GhostCrate.Packaging.Toml;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// The parts of the packaged Cargo.toml the registry checks or records
/// (https://doc.rust-lang.org/cargo/reference/manifest.html#the-package-section).
/// </summary>
internal sealed record ManifestFacts(string? Name, string? Version, string? ReadmePath, string? Error)
{
    public const string DefaultReadme = "README.md";

    /// <summary>`package.edition`; cargo's default when the key is absent is 2015.</summary>
    public string Edition { get; init; } = "2015";

    /// <summary>The `[[bin]]` targets the manifest declares, by name.</summary>
    public IReadOnlyList<string> DeclaredBinaries { get; init; } = [];

    /// <summary>`package.autobins`: false turns off discovery of binaries from the file layout.</summary>
    public bool AutoBins { get; init; } = true;

    /// <summary>A `[lib]` table is present.</summary>
    public bool DeclaresLibrary { get; init; }

    /// <summary>`package.autolib`: false means src/lib.rs is not a library unless `[lib]` says so.</summary>
    public bool AutoLib { get; init; } = true;

    /// <summary>
    /// The build scripts `package.build` names (relative paths); empty for `build = false`; null when the key is absent
    /// (then a root build.rs is one: https://doc.rust-lang.org/cargo/reference/manifest.html#the-build-field).
    /// </summary>
    public IReadOnlyList<string>? BuildScripts { get; init; }

    /// <summary>`lib.proc-macro = true` (`proc_macro` is the older spelling cargo still accepts).</summary>
    public bool ProcMacro { get; init; }

    /// <summary>`package.links`: the native library the package links (https://doc.rust-lang.org/cargo/reference/build-scripts.html#the-links-manifest-key).</summary>
    public string? Links { get; init; }

    public static ManifestFacts From(string text)
    {
        var parsed = TomlReader.Parse(text);
        if (parsed.Document is not { } doc)
            return Invalid($"Cargo.toml in the .crate file is not valid TOML: {parsed.Error}");
        if (!doc.TryGetTable("package", out var package))
            return Invalid("Cargo.toml in the .crate file has no `[package]` section");

        var name = package.TryGetValue("name", out var n) ? n as string : null;
        var version = package.TryGetValue("version", out var v) ? v as string : null;
        if (name is null)
            return Invalid("Cargo.toml in the .crate file has no `package.name` string");
        if (version is null)
            return Invalid("Cargo.toml in the .crate file has no `package.version` string");

        return new ManifestFacts(name, version, FindReadmePath(package), null)
        {
            Edition = package.TryGetValue("edition", out var e) && e is string edition && edition.Length is > 0 and <= 16 ? edition : "2015",
            DeclaredBinaries = DeclaredBins(doc, name),
            AutoBins = !(package.TryGetValue("autobins", out var a) && a is false),
            DeclaresLibrary = doc.TryGetTable("lib", out _),
            AutoLib = !(package.TryGetValue("autolib", out var l) && l is false),
            BuildScripts = DeclaredBuildScripts(package),
            ProcMacro = doc.TryGetTable("lib", out var lib)
                && ((lib.TryGetValue("proc-macro", out var pm) && pm is true) || (lib.TryGetValue("proc_macro", out var pm2) && pm2 is true)),
            Links = package.TryGetValue("links", out var links) && links is string linked ? linked : null,
        };
    }

    /// <summary>
    /// `[[bin]]` entries (https://doc.rust-lang.org/cargo/reference/cargo-targets.html#binaries); `cargo package`
    /// writes every binary out this way since target discovery moved into packaging. A nameless entry is the package.
    /// </summary>
    private static IReadOnlyList<string> DeclaredBins(TomlTable doc, string packageName)
    {
        if (!doc.TryGetValue("bin", out var bins) || bins is not TomlArray array) return [];
        var names = new List<string>();
        foreach (var item in array)
        {
            if (item is not TomlTable bin) continue;
            var binName = bin.TryGetValue("name", out var value) && value is string s && s.Length > 0 ? s : packageName;
            if (!names.Contains(binName, StringComparer.Ordinal)) names.Add(binName);
        }
        return names;
    }

    /// <summary>`build = "path"`, `build = ["a.rs", "b.rs"]` (several scripts, unstable cargo), `build = true|false`.</summary>
    private static IReadOnlyList<string>? DeclaredBuildScripts(TomlTable package)
    {
        if (!package.TryGetValue("build", out var value)) return null;
        return value switch
        {
            false => [],
            true => ["build.rs"],
            string path => Normalize(path) is { } p ? [p] : [],
            TomlArray paths => [.. paths.OfType<string>().Select(Normalize).OfType<string>().Distinct(StringComparer.Ordinal)],
            _ => null,
        };
    }

    /// <summary>
    /// `readme = "path"` names the file, `readme = false` turns it off, `true` or no key means README.md
    /// (https://doc.rust-lang.org/cargo/reference/manifest.html#the-readme-field).
    /// </summary>
    private static string? FindReadmePath(TomlTable package)
    {
        if (!package.TryGetValue("readme", out var value)) return DefaultReadme;
        return value switch
        {
            false => null,
            true => DefaultReadme,
            string path => Normalize(path),
            _ => null,
        };
    }

    private static string? Normalize(string path)
    {
        path = path.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        // cargo copies a readme from outside the package to its root and rewrites the path, so a path
        // that still leaves the package cannot name a file in the tarball.
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Contains("..")) return null;
        return path;
    }

    private static ManifestFacts Invalid(string error) => new(null, null, null, error);
}
