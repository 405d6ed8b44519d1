using GhostCrate.Packaging;

namespace GhostCrate.Mirror.Selection;

/// <summary>
/// The name/version pairs of a `cargo vendor` folder: one sub-folder per package with its normalized Cargo.toml
/// (https://doc.rust-lang.org/cargo/commands/cargo-vendor.html), read with the registry's own TOML reader.
/// </summary>
public static class VendorDirReader
{
    public static IReadOnlyList<(string Name, string Version)> Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new MirrorException($"selection.vendorDirs: {directory} does not exist");
        var result = new List<(string, string)>();
        foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var manifest = Path.Combine(folder, "Cargo.toml");
            // Only registry packages carry .cargo-checksum.json with a "package" checksum; git packages have it null.
            var checksum = Path.Combine(folder, ".cargo-checksum.json");
            if (!File.Exists(manifest) || !File.Exists(checksum)) continue;
            if (File.ReadAllText(checksum).Contains("\"package\":null", StringComparison.Ordinal)) continue;
            var package = CargoManifestPackage.Read(File.ReadAllText(manifest));
            if (package is { Name: { } name, Version: { } version }) result.Add((name, version));
        }
        if (result.Count == 0) throw new MirrorException($"{directory} holds no vendored registry packages (expected folders with Cargo.toml and .cargo-checksum.json)");
        return result;
    }
}
