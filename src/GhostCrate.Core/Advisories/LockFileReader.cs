using System.Text;
using GhostCrate.Packaging;
using Tomlyn;
using Tomlyn.Model;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Reads the `[[package]]` entries of a Cargo.lock sent for an audit
/// (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html) with Tomlyn, behind a size and depth limit.
/// A malformed file is an error value with a message for the caller.
/// </summary>
public static class LockFileReader
{
    public const int MaxBytes = 4 * 1024 * 1024;
    public const int MaxPackages = 20_000;

    public static (IReadOnlyList<LockedPackage>? Packages, string? Error) Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) return (null, $"Cargo.lock is larger than {MaxBytes} bytes");
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(text, new TomlSerializerOptions { MaxDepth = 8 }) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            return (null, $"Cargo.lock is not valid TOML: {e.Message.Split('\n')[0].Trim()}");
        }
        if (!root.TryGetValue("package", out var value)) return ([], null);
        if (value is not TomlTableArray and not TomlArray) return (null, "Cargo.lock: `package` must be an array of tables ([[package]])");
        var packages = new List<LockedPackage>();
        foreach (var item in (System.Collections.IEnumerable)value)
        {
            if (packages.Count >= MaxPackages) return (null, $"Cargo.lock lists more than {MaxPackages} packages");
            if (item is not TomlTable table) return (null, "Cargo.lock: every [[package]] must be a table");
            var name = Text(table, "name");
            var version = Text(table, "version");
            if (name is null || version is null) return (null, "Cargo.lock: a [[package]] lacks `name` or `version`");
            packages.Add(new LockedPackage(name, version, Text(table, "source"), Text(table, "checksum")));
        }
        return (packages, null);
    }

    private static string? Text(TomlTable table, string key) => table.TryGetValue(key, out var v) && v is string s ? s : null;
}
