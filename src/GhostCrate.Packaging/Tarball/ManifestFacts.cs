using GhostCrate.Packaging.Toml;

namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// The parts of the packaged Cargo.toml the registry checks
/// (https://doc.rust-lang.org/cargo/reference/manifest.html#the-package-section).
/// </summary>
internal sealed record ManifestFacts(string? Name, string? Version, string? ReadmePath, string? Error)
{
    public const string DefaultReadme = "README.md";

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

        return new ManifestFacts(name, version, FindReadmePath(package), null);
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
