namespace GhostCrate.Mirror.Selection;

/// <summary>
/// The registry packages a Cargo.lock pins. A lock file already is the full dependency closure of its workspace
/// (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html), so mirroring exactly these name/version
/// pairs is enough for `cargo build --locked` offline. Cargo writes the file in a fixed shape (one `[[package]]`
/// table per package, one `key = "value"` per line), which is all this reader handles; path and git packages have no
/// registry `source` and are left out.
/// </summary>
public static class CargoLockReader
{
    public static IReadOnlyList<(string Name, string Version)> Read(string path)
    {
        if (!File.Exists(path)) throw new MirrorException($"selection.lockfiles: {path} does not exist");
        return Parse(File.ReadLines(path), path);
    }

    public static IReadOnlyList<(string Name, string Version)> Parse(IEnumerable<string> lines, string origin)
    {
        var result = new List<(string, string)>();
        string? name = null, version = null, source = null;
        var inPackage = false;
        void Flush()
        {
            if (inPackage && name is not null && version is not null && source is not null
                && (source.StartsWith("registry+", StringComparison.Ordinal) || source.StartsWith("sparse+", StringComparison.Ordinal)))
            {
                result.Add((name, version));
            }
            name = version = source = null;
        }
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                Flush();
                inPackage = line == "[[package]]";
                continue;
            }
            if (!inPackage) continue;
            if (TryValue(line, "name", out var n)) name = n;
            else if (TryValue(line, "version", out var v)) version = v;
            else if (TryValue(line, "source", out var s)) source = s;
        }
        Flush();
        if (result.Count == 0 && !lines.Any(l => l.Trim() == "[[package]]"))
            throw new MirrorException($"{origin} does not look like a Cargo.lock (no [[package]] tables)");
        return result;
    }

    internal static bool TryValue(string line, string key, out string value)
    {
        value = "";
        if (!line.StartsWith(key, StringComparison.Ordinal)) return false;
        var rest = line[key.Length..].TrimStart();
        if (!rest.StartsWith('=')) return false;
        rest = rest[1..].Trim();
        if (rest.Length < 2 || rest[0] != '"') return false;
        var end = rest.IndexOf('"', 1);
        if (end < 0) return false;
        value = rest[1..end];
        return true;
    }
}
