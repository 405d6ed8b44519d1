using GhostCrate.Packaging.Toml;

namespace GhostCrate.Core.Docs.Build;

/// <summary>
/// What a build needs from a .crate's normalized Cargo.toml: docs.rs's `[package.metadata.docs.rs]`
/// (https://docs.rs/about/metadata: features, all-features, no-default-features, rustdoc-args, rustc-args, and
/// default-target, the one target built; docs.rs's further `targets` are not built) and the registries its
/// dependencies come from. `cargo fetch` runs outside the network
/// namespace, so a manifest that could make cargo reach anything but this registry is refused before cargo starts:
/// git and path dependencies, `registry-index` URLs other than this registry's, `[patch]` and `[replace]`.
/// </summary>
public sealed record DocsBuildManifest(
    IReadOnlyList<string> Features,
    bool AllFeatures,
    bool NoDefaultFeatures,
    IReadOnlyList<string> RustdocArgs,
    IReadOnlyList<string> RustcArgs,
    IReadOnlySet<string> RegistryIndexes,
    string? DefaultTarget = null)
{
    private static readonly string[] DependencyTables = ["dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies"];

    /// <summary>The manifest's build settings, or the reason it cannot be built here.</summary>
    public static (DocsBuildManifest? Manifest, string? Error) Read(string cargoToml, IReadOnlySet<string> allowedIndexes)
    {
        var parsed = TomlReader.Parse(cargoToml);
        if (parsed.Document is not { } document) return (null, $"Cargo.toml cannot be read: {parsed.Error}");
        if (document.ContainsKey("patch") || document.ContainsKey("replace"))
            return (null, "Cargo.toml has a [patch] or [replace] section, which could fetch sources from outside this registry");

        var indexes = new HashSet<string>(StringComparer.Ordinal);
        var tables = new List<(string Where, TomlTable Table)>();
        foreach (var name in DependencyTables)
            if (document.TryGetTable(name, out var table)) tables.Add((name, table));
        if (document.TryGetTable("target", out var targets))
        {
            foreach (var target in targets.Keys)
            {
                if (!targets.TryGetTable(target, out var targetTable)) continue;
                foreach (var name in DependencyTables)
                    if (targetTable.TryGetTable(name, out var table)) tables.Add(($"target.{target}.{name}", table));
            }
        }
        foreach (var (where, table) in tables)
        {
            foreach (var dependency in table.Keys)
            {
                if (!table.TryGetTable(dependency, out var spec)) continue; // `name = "1.0"`: crates.io, which is replaced
                if (spec.ContainsKey("git") || spec.ContainsKey("path"))
                    return (null, $"the dependency `{dependency}` ({where}) is a git or path dependency; a published crate fetches only from registries");
                if (spec.ContainsKey("registry"))
                    return (null, $"the dependency `{dependency}` ({where}) names a registry instead of its index URL, which `cargo package` never writes");
                if (spec.TryGetValue("registry-index", out var index))
                {
                    var url = index as string ?? "";
                    if (!allowedIndexes.Contains(Normalize(url)))
                        return (null, $"the dependency `{dependency}` ({where}) comes from the registry {url}; the builder fetches only from this registry, its proxy and its mirror");
                    indexes.Add(url);
                }
            }
        }

        // `[package.metadata.docs.rs]` is the table "docs.rs" under metadata (a quoted key), or docs → rs when dotted.
        TomlTable? docsRs = null;
        if (document.TryGetTable("package", out var package) && package.TryGetTable("metadata", out var metadata))
        {
            if (metadata.TryGetTable("docs.rs", out var quoted)) docsRs = quoted;
            else if (metadata.TryGetTable("docs", out var docs) && docs.TryGetTable("rs", out var rs)) docsRs = rs;
        }
        string? defaultTarget = null;
        if (docsRs is not null && docsRs.TryGetValue("default-target", out var targetValue))
        {
            // Passed to `cargo doc --target`: a triple such as x86_64-unknown-linux-gnu, never an option or a path
            // (a custom target's JSON file would be read from wherever it named). Cargo and rustc take any value
            // ending in `.json` as such a file, so `spec.json` names one in the crate's own folder: refused too.
            defaultTarget = targetValue as string;
            if (defaultTarget is null || defaultTarget.Length is 0 or > 100 || defaultTarget[0] == '-' || !defaultTarget.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
                || defaultTarget.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                return (null, "[package.metadata.docs.rs] default-target is not a target triple (such as x86_64-unknown-linux-gnu)");
        }
        return (new DocsBuildManifest(
            Strings(docsRs, "features"),
            Flag(docsRs, "all-features"),
            Flag(docsRs, "no-default-features"),
            Strings(docsRs, "rustdoc-args"),
            Strings(docsRs, "rustc-args"),
            indexes,
            defaultTarget), null);
    }

    /// <summary>Index URLs compare without the `sparse+` prefix and trailing slash.</summary>
    public static string Normalize(string url) =>
        (url.StartsWith("sparse+", StringComparison.Ordinal) ? url["sparse+".Length..] : url).TrimEnd('/') + "/";

    private static bool Flag(TomlTable? table, string key) => table is not null && table.TryGetValue(key, out var value) && value is true;

    private static IReadOnlyList<string> Strings(TomlTable? table, string key) =>
        table is not null && table.TryGetValue(key, out var value) && value is TomlArray array ? array.OfType<string>().ToList() : [];
}
