namespace GhostCrate.Mirror.Selection;

/// <summary>
/// The name/version pairs of a `cargo vendor` folder: one sub-folder per package with its normalized Cargo.toml
/// (https://doc.rust-lang.org/cargo/commands/cargo-vendor.html). Only the `[package]` table's `name` and `version`
/// lines are read; cargo writes them one per line when it normalizes a manifest.
/// </summary>
public static class VendorDirReader
{
    public static IReadOnlyList<(string Name, string Version)> Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new MirrorException($"selection.vendorDirs: {directory} does not exist");
        var result = new List<(string, string)>();
        foreach (var package in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var manifest = Path.Combine(package, "Cargo.toml");
            // Only registry packages carry .cargo-checksum.json with a "package" checksum; git packages have it null.
            var checksum = Path.Combine(package, ".cargo-checksum.json");
            if (!File.Exists(manifest) || !File.Exists(checksum)) continue;
            if (File.ReadAllText(checksum).Contains("\"package\":null", StringComparison.Ordinal)) continue;
            string? name = null, version = null;
            var inPackage = false;
            foreach (var raw in File.ReadLines(manifest))
            {
                var line = raw.Trim();
                if (line.StartsWith('['))
                {
                    if (inPackage) break;
                    inPackage = line == "[package]";
                    continue;
                }
                if (!inPackage) continue;
                if (CargoLockReader.TryValue(line, "name", out var n)) name = n;
                else if (CargoLockReader.TryValue(line, "version", out var v)) version = v;
            }
            if (name is not null && version is not null) result.Add((name, version));
        }
        if (result.Count == 0) throw new MirrorException($"{directory} holds no vendored registry packages (expected folders with Cargo.toml and .cargo-checksum.json)");
        return result;
    }
}
