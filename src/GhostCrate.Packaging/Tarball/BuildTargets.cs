namespace GhostCrate.Packaging.Tarball;

/// <summary>
/// The library and binaries a package builds, so the registry can offer `cargo add` and/or `cargo install`. Binaries: the declared `[[bin]]` targets
/// plus, unless `autobins = false`, those cargo discovers from the layout
/// (https://doc.rust-lang.org/cargo/reference/cargo-targets.html#target-auto-discovery): `src/main.rs` (named after
/// the package), `src/bin/NAME.rs` and `src/bin/NAME/main.rs`.
/// </summary>
internal static class BuildTargets
{
    /// <summary>A `[lib]` table, or (unless `autolib = false`) a `src/lib.rs`.</summary>
    public static bool HasLibrary(ManifestFacts manifest, IReadOnlySet<string> files) =>
        manifest.DeclaresLibrary || (manifest.AutoLib && files.Contains("src/lib.rs"));

    public static IReadOnlyList<string> Find(ManifestFacts manifest, IReadOnlySet<string> files)
    {
        var names = new List<string>(manifest.DeclaredBinaries);
        if (!manifest.AutoBins) return names;
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var discovered = file switch
            {
                "src/main.rs" => manifest.Name,
                _ when file.StartsWith("src/bin/", StringComparison.Ordinal) => FromBinFolder(file["src/bin/".Length..]),
                _ => null,
            };
            if (discovered is not null && !names.Contains(discovered, StringComparer.Ordinal)) names.Add(discovered);
        }
        return names;
    }

    private static string? FromBinFolder(string rest)
    {
        var parts = rest.Split('/');
        return parts switch
        {
            [var file] when file.EndsWith(".rs", StringComparison.Ordinal) && file.Length > 3 => file[..^3],
            [var folder, "main.rs"] when folder.Length > 0 => folder,
            _ => null,
        };
    }
}
