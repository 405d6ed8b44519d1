using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// The one place that knows where things live in a mirror directory:
/// <code>
/// mirror.json                        configuration
/// index/{1,2,3/a,ab/cd}/name         the served sparse index (only lines whose .crate file is present)
/// crates/{name}/{name}-{version}.crate
/// sidecars/{name}/{version}.json     per-version metadata (`mirror sidecars`)
/// manifests/sync-*.jsonl             one JSON line per file of each sync run
/// inventory.yaml, inventory.yaml.asc `mirror inventory`, `mirror sign`
/// .ghostcrate/                       private state: temp files, partial downloads, the upstream git clone or the
///                                    sparse files with their validators, marks
/// .ghostcrate/sync-status.json       the running or last sync's progress (read by the admin page)
/// </code>
/// Names are lowercased in paths: crates.io names are unique ignoring case, and cargo may ask with either.
/// Temp files live inside the directory so that the final rename never crosses a file system (atomic).
/// </summary>
public sealed class MirrorLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);
    public string ConfigFile => Path.Combine(Root, "mirror.json");
    public string IndexDir => Path.Combine(Root, "index");
    public string CratesDir => Path.Combine(Root, "crates");
    public string SidecarsDir => Path.Combine(Root, "sidecars");
    public string ManifestsDir => Path.Combine(Root, "manifests");
    public string InventoryFile => Path.Combine(Root, "inventory.yaml");
    public string SignatureFile => InventoryFile + ".asc";
    public string SyncStatusFile => Path.Combine(StateDir, "sync-status.json");
    public string StateDir => Path.Combine(Root, ".ghostcrate");
    public string TempDir => Path.Combine(StateDir, "tmp");
    public string PartialDir => Path.Combine(StateDir, "partial");
    public string GitDir => Path.Combine(StateDir, "upstream.git");
    public string MarksDir => Path.Combine(StateDir, "marks");
    public string SparseCacheDir => Path.Combine(StateDir, "sparse");
    public string ImportStateFile => Path.Combine(StateDir, "imported.json");

    public string IndexFile(string name) => Path.Combine(IndexDir, IndexPath.ForCrate(name));

    public static string CrateRelativePath(string name, string version)
    {
        var lower = name.ToLowerInvariant();
        CheckSegment(lower);
        CheckSegment(version);
        return $"crates/{lower}/{lower}-{version}.crate";
    }

    public string CrateFile(string name, string version) => Path.Combine(Root, CrateRelativePath(name, version));

    public string PartialFile(string name, string version) =>
        Path.Combine(PartialDir, $"{name.ToLowerInvariant()}-{version}.crate.part");

    public string Full(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public string Relative(string full) => Path.GetRelativePath(Root, full).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Versions and names come from an upstream index: they must never steer a path out of the mirror.</summary>
    private static void CheckSegment(string segment)
    {
        if (segment.Length == 0 || segment.Contains('/') || segment.Contains('\\') || segment.Contains("..", StringComparison.Ordinal) || segment.Any(char.IsControl))
            throw new MirrorException($"`{segment}` cannot be part of a file name in the mirror");
    }
}
