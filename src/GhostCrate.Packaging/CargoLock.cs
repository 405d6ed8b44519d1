using GhostCrate.Packaging.Toml;

namespace GhostCrate.Packaging;

/// <summary>One `[[package]]` of a Cargo.lock. <see cref="Source"/> is null for path and workspace members.</summary>
public sealed record LockedPackage(string Name, string Version, string? Source, string? Checksum)
{
    /// <summary>
    /// Fetched from a registry (git or sparse index); path and workspace members have no source, git dependencies a
    /// `git+` one (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-format).
    /// </summary>
    public bool FromRegistry => Source is { } s && (s.StartsWith("registry+", StringComparison.Ordinal) || s.StartsWith("sparse+", StringComparison.Ordinal));
}

/// <summary>
/// A Cargo.lock's packages and its dependency graph: <see cref="Dependencies"/>[i] lists the indices (into
/// <see cref="Packages"/>) of the packages that package i depends on, as its `dependencies` array names them.
/// </summary>
public sealed record LockFile(IReadOnlyList<LockedPackage> Packages, IReadOnlyList<IReadOnlyList<int>> Dependencies);

/// <summary>
/// Reads the packages of a Cargo.lock (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html; lockfile
/// versions 1 to 4 all keep `[[package]]` with name, version, source, `dependencies` and, from v2 on, checksum).
/// Untrusted input: a malformed file is an error value, never an exception.
/// </summary>
public static class CargoLock
{
    public static (IReadOnlyList<LockedPackage>? Packages, string? Error) Read(string text)
    {
        var (file, error) = ReadGraph(text);
        return (file?.Packages, error);
    }

    /// <summary>The packages and the edges between them.</summary>
    public static (LockFile? File, string? Error) ReadGraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = TomlReader.Parse(text);
        if (parsed.Document is null) return (null, $"Cargo.lock is not valid TOML: {parsed.Error}");
        if (!parsed.Document.TryGetValue("package", out var value)) return (new LockFile([], []), null);
        if (value is not TomlArray array) return (null, "Cargo.lock: `package` must be an array of tables ([[package]])");

        var packages = new List<LockedPackage>();
        var specs = new List<IReadOnlyList<string>>();
        foreach (var item in array)
        {
            if (item is not TomlTable table) return (null, "Cargo.lock: every [[package]] must be a table");
            var name = Text(table, "name");
            var version = Text(table, "version");
            if (name is null || version is null) return (null, "Cargo.lock: a [[package]] lacks `name` or `version`");
            var dependencies = new List<string>();
            if (table.TryGetValue("dependencies", out var listed))
            {
                if (listed is not TomlArray list || list.Any(d => d is not string))
                    return (null, $"Cargo.lock: `dependencies` of package `{name}` must be an array of strings");
                dependencies.AddRange(list.Cast<string>());
            }
            packages.Add(new LockedPackage(name, version, Text(table, "source"), Text(table, "checksum")));
            specs.Add(dependencies);
        }

        var ids = new LockedPackageIds(packages);
        var edges = new List<IReadOnlyList<int>>(packages.Count);
        for (var i = 0; i < packages.Count; i++)
        {
            var targets = new List<int>();
            foreach (var spec in specs[i])
            {
                if (!LockedPackageIds.TryParse(spec, out var id))
                    return (null, $"Cargo.lock: package `{packages[i].Name}` lists the malformed dependency `{spec}` (expected `name`, `name version` or `name version (source)`)");
                if (ids.Find(id) is { } target && !targets.Contains(target)) targets.Add(target);
            }
            edges.Add(targets);
        }
        return (new LockFile(packages, edges), null);
    }

    private static string? Text(TomlTable table, string key) =>
        table.TryGetValue(key, out var v) && v is string s ? s : null;
}
