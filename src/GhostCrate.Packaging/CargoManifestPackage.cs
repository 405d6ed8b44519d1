using GhostCrate.Packaging.Toml;

namespace GhostCrate.Packaging;

/// <summary>
/// The `[package]` strings of a Cargo.toml that tools outside the publish path need (a vendored package's name and
/// version, a mirrored crate's license; https://doc.rust-lang.org/cargo/reference/manifest.html#the-package-section).
/// Untrusted input: anything that is not valid TOML or has no `[package]` table gives null, never an exception.
/// </summary>
public sealed record CargoManifestPackage(string? Name, string? Version, string? License)
{
    public static CargoManifestPackage? Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TomlReader.Parse(text).Document is not { } doc || !doc.TryGetTable("package", out var package)) return null;
        return new CargoManifestPackage(Text(package, "name"), Text(package, "version"), Text(package, "license"));
    }

    private static string? Text(TomlTable table, string key) => table.TryGetValue(key, out var v) && v is string s ? s : null;
}
