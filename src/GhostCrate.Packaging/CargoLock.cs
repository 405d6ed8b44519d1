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
/// Reads the packages of a Cargo.lock (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html; lockfile
/// versions 1 to 4 all keep `[[package]]` with name, version, source and, from v2 on, checksum). Untrusted input: a
/// malformed file is an error value, never an exception.
/// </summary>
public static class CargoLock
{
    public static (IReadOnlyList<LockedPackage>? Packages, string? Error) Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = TomlReader.Parse(text);
        if (parsed.Document is null) return (null, $"Cargo.lock is not valid TOML: {parsed.Error}");
        if (!parsed.Document.TryGetValue("package", out var value)) return ([], null);
        if (value is not TomlArray array) return (null, "Cargo.lock: `package` must be an array of tables ([[package]])");

        var packages = new List<LockedPackage>();
        foreach (var item in array)
        {
            if (item is not TomlTable table) return (null, "Cargo.lock: every [[package]] must be a table");
            var name = Text(table, "name");
            var version = Text(table, "version");
            if (name is null || version is null) return (null, "Cargo.lock: a [[package]] lacks `name` or `version`");
            packages.Add(new LockedPackage(name, version, Text(table, "source"), Text(table, "checksum")));
        }
        return (packages, null);
    }

    private static string? Text(TomlTable table, string key) =>
        table.TryGetValue(key, out var v) && v is string s ? s : null;
}
