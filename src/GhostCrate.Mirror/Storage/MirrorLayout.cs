using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// The one place that knows where things live in a mirror directory:
/// <code>
/// mirror.json                        configuration
/// current -> .ghostcrate/generations/N   what is served, switched by one rename(2) of this link (see MirrorGenerations):
///   index/{1,2,3/a,ab/cd}/name       the served sparse index (only lines whose .crate file is present)
///   meta/{name}.toml                 legacy per-crate TOML metadata carried by bundles (import side)
///   imported.json                    the bundle mark this directory is at (import side)
///   toolchains/dist/...              what rustup is served: channel manifests (+ .sha256, .asc) and hard links of
///                                    the archives they name; toolchains/rustup/release-stable.toml (Toolchains/)
/// index -> current/index, meta -> current/meta   links kept for tools that read DIR/index directly
/// crates/{name}/{name}-{version}.crate  immutable once verified; invisible until a served index lists them
/// sidecars/{name}/{version}.json     per-version metadata (`mirror sidecars`)
/// toolchains/dist/{date}/{file}      verified toolchain archives (+ .sha256), immutable; served only through a
///                                    generation whose manifests name them
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
    public string CurrentLink => Path.Combine(Root, "current");
    public string GenerationsDir => Path.Combine(StateDir, "generations");

    /// <summary>DIR/index: a real folder in mirrors made before generations (read as is until a writer migrates it).</summary>
    public string LegacyIndexDir => Path.Combine(Root, "index");

    /// <summary>True once the directory has a served generation (`current` link).</summary>
    public bool HasGenerations => Directory.Exists(CurrentLink);

    /// <summary>
    /// The served index, through the `current` link: each open resolves the link once, so a single file read sees one
    /// generation. Readers of many files pin one generation with <see cref="PinnedIndexDir"/> instead.
    /// </summary>
    public string IndexDir => HasGenerations ? Path.Combine(CurrentLink, "index") : LegacyIndexDir;

    /// <summary>The served generation folder itself (the link resolved now), or null before the first generation.</summary>
    public string? CurrentGenerationDir()
    {
        try
        {
            return new DirectoryInfo(CurrentLink).ResolveLinkTarget(returnFinalTarget: true) is { Exists: true } target ? target.FullName : null;
        }
        catch (IOException)
        {
            return null; // no link (yet)
        }
    }

    /// <summary>The index folder of the generation served right now; stays the same folder if a sync switches meanwhile.</summary>
    public string PinnedIndexDir() => CurrentGenerationDir() is { } generation ? Path.Combine(generation, "index") : LegacyIndexDir;
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

    /// <summary>Verified toolchain archives, by their path below the dist root (`dist/DATE/FILE`).</summary>
    public string ToolchainStoreDir => Path.Combine(Root, Toolchains.DistPaths.Folder);

    /// <summary>The served toolchain tree (manifests and archive links) of the current generation.</summary>
    public string ServedToolchainsDir => Path.Combine(CurrentLink, Toolchains.DistPaths.Folder);

    /// <summary>
    /// <see cref="ServedToolchainsDir"/> with `current` resolved once, like <see cref="PinnedIndexDir"/>: a reader of
    /// many files never mixes two generations. Null before the first generation (toolchains exist only in generations).
    /// </summary>
    public string? PinnedToolchainsDir() => CurrentGenerationDir() is { } generation ? Path.Combine(generation, Toolchains.DistPaths.Folder) : null;
    public string MarksDir => Path.Combine(StateDir, "marks");
    public string SparseCacheDir => Path.Combine(StateDir, "sparse");
    public string ImportStateFile => HasGenerations ? Path.Combine(CurrentLink, ImportStateName) : LegacyImportStateFile;
    public string LegacyImportStateFile => Path.Combine(StateDir, ImportStateName);
    public const string ImportStateName = "imported.json";

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

    /// <summary>A mirror-relative path (`crates/...`, `index/...`) on disk; `index/` paths read the served generation.</summary>
    public string Full(string relative) =>
        relative.StartsWith("index/", StringComparison.Ordinal)
            ? Path.Combine(IndexDir, relative["index/".Length..].Replace('/', Path.DirectorySeparatorChar))
            : Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>`index/...` for a file below an index folder (served, pinned or staged).</summary>
    public static string IndexRelative(string indexDir, string file) =>
        "index/" + Path.GetRelativePath(indexDir, file).Replace(Path.DirectorySeparatorChar, '/');

    public string Relative(string full) => Path.GetRelativePath(Root, full).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Versions and names come from an upstream index: they must never steer a path out of the mirror.</summary>
    private static void CheckSegment(string segment)
    {
        if (segment.Length == 0 || segment.Contains('/') || segment.Contains('\\') || segment.Contains("..", StringComparison.Ordinal) || HasControl(segment))
            throw new MirrorException($"`{segment}` cannot be part of a file name in the mirror");
    }

    // A plain loop: this runs for every file of a sync, and LINQ over a string enumerates it through an interface.
    private static bool HasControl(string segment)
    {
        foreach (var c in segment)
        {
            if (char.IsControl(c)) return true;
        }
        return false;
    }
}
