using System.Globalization;
using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// What a mirror serves (index, meta, import mark) lives in a generation folder, .ghostcrate/generations/N, and
/// DIR/current is a symbolic link to the one being served. A sync or import builds generation N+1 beside it (a
/// hard-link copy of N, made by a sync only once its first change needs it, so only changed files cost anything;
/// every write is a rename, never in place, so N is never touched), makes everything durable with one syncfs, and
/// then renames a new link over `current`: rename(2) is atomic, so the server and `mirror verify` see the old state
/// or the new one, never a mix. A crash before the
/// rename leaves an abandoned folder that the next writer deletes. The previous generation is kept for readers that
/// resolved the link just before the switch; older ones are removed. Only writers (under <see cref="MirrorLock"/>)
/// call this.
/// </summary>
public static class MirrorGenerations
{
    /// <summary>Folders that are part of a generation and exposed at DIR/NAME by a compatibility link.</summary>
    private static readonly string[] Exposed = ["index", "meta"];

    /// <summary>
    /// Migrates a mirror of the old layout (real DIR/index and DIR/meta folders, .ghostcrate/imported.json): it
    /// becomes generation 1 through the same switch, and its old folders are replaced by links. Nothing happens to a
    /// directory that has no mirror content yet.
    /// </summary>
    public static void EnsureCurrent(MirrorLayout layout)
    {
        var hasLegacy = Exposed.Any(name => Directory.Exists(Path.Combine(layout.Root, name)) && !IsLink(Path.Combine(layout.Root, name)))
            || File.Exists(layout.LegacyImportStateFile);
        if (!layout.HasGenerations && !hasLegacy) return;
        if (!layout.HasGenerations)
        {
            RemoveAbandoned(layout);
            var first = NewFolder(layout);
            foreach (var name in Exposed)
            {
                var legacy = Path.Combine(layout.Root, name);
                if (Directory.Exists(legacy) && !IsLink(legacy)) CloneTree(legacy, Path.Combine(first, name));
            }
            Directory.CreateDirectory(Path.Combine(first, "index"));
            if (File.Exists(layout.LegacyImportStateFile)) File.Copy(layout.LegacyImportStateFile, Path.Combine(first, MirrorLayout.ImportStateName));
            Switch(layout, first);
        }
        // Also finishes a migration that was interrupted after its switch.
        foreach (var name in Exposed)
        {
            var legacy = Path.Combine(layout.Root, name);
            if (Directory.Exists(legacy) && !IsLink(legacy)) Directory.Delete(legacy, recursive: true);
        }
        if (File.Exists(layout.LegacyImportStateFile)) File.Delete(layout.LegacyImportStateFile);
        ExposeLinks(layout);
    }

    /// <summary>Starts generation N+1 as a copy of the served one (an empty one in a new directory).</summary>
    public static StagedGeneration Begin(MirrorLayout layout)
    {
        var next = BeginCopyOnFirstChange(layout);
        next.EnsureCopied();
        return next;
    }

    /// <summary>
    /// As <see cref="Begin"/>, but the served generation is copied only when <see cref="StagedGeneration.Index"/> is
    /// first changed: until then it reads the served files. A sync that changes nothing then costs no hard link per
    /// index file (and no unlink to discard them), which on a full crates.io mirror is hundreds of thousands of each.
    /// Only for writers that change the generation through <see cref="StagedGeneration.Index"/> alone.
    /// </summary>
    public static StagedGeneration BeginCopyOnFirstChange(MirrorLayout layout)
    {
        EnsureCurrent(layout);
        RemoveAbandoned(layout);
        var next = NewFolder(layout);
        return new StagedGeneration(layout, next, layout.CurrentGenerationDir());
    }

    /// <summary>Durable, then visible: syncfs, then one rename of the `current` link, then the root folder's entry flushed.</summary>
    internal static void Switch(MirrorLayout layout, string generation, Action<string>? step = null)
    {
        LinuxNative.TrySyncFileSystem(layout.Root);
        step?.Invoke("generation-durable");
        var link = Path.Combine(layout.Root, ".current.new");
        if (File.Exists(link) || IsLink(link)) File.Delete(link);
        File.CreateSymbolicLink(link, Path.GetRelativePath(layout.Root, generation));
        LinuxNative.Rename(link, layout.CurrentLink);
        LinuxNative.TryFlushDirectory(layout.Root);
        step?.Invoke("switched");
        ExposeLinks(layout);
        RemoveAbandoned(layout);
    }

    private static void ExposeLinks(MirrorLayout layout)
    {
        foreach (var name in Exposed)
        {
            var path = Path.Combine(layout.Root, name);
            if (!IsLink(path) && !Directory.Exists(path) && Directory.Exists(Path.Combine(layout.CurrentLink, name)))
                Directory.CreateSymbolicLink(path, Path.Combine("current", name));
        }
    }

    /// <summary>Deletes generations that are neither served nor the one served just before (crashed runs, old states).</summary>
    private static void RemoveAbandoned(MirrorLayout layout)
    {
        if (!Directory.Exists(layout.GenerationsDir)) return;
        var current = layout.CurrentGenerationDir() is { } served ? Number(served) : -1;
        var all = Directory.GetDirectories(layout.GenerationsDir).Select(d => (Dir: d, N: Number(d))).ToList();
        var previous = all.Where(g => g.N < current).Select(g => g.N).DefaultIfEmpty(-1).Max();
        foreach (var (dir, n) in all)
        {
            if (n != current && n != previous) Directory.Delete(dir, recursive: true);
        }
    }

    private static string NewFolder(MirrorLayout layout)
    {
        Directory.CreateDirectory(layout.GenerationsDir);
        var next = Directory.GetDirectories(layout.GenerationsDir).Select(Number).DefaultIfEmpty(0).Max() + 1;
        var folder = Path.Combine(layout.GenerationsDir, next.ToString("D9", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static long Number(string folder) => long.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>Hard links where the file system has them (a copy costs only directory entries), copies elsewhere.</summary>
    internal static void CloneTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            var to = Path.Combine(target, Path.GetFileName(entry));
            if (Directory.Exists(entry))
            {
                CloneTree(entry, to);
            }
            else if (LinuxNative.TryLink(entry, to) != LinkResult.Linked)
            {
                File.Copy(entry, to, overwrite: true);
            }
        }
    }
}

/// <summary>A generation being built: write into it freely, then <see cref="Commit"/> switches to it in one step.</summary>
public sealed class StagedGeneration
{
    private readonly MirrorLayout _layout;
    private readonly object _copyGate = new();
    private volatile string? _basis;
    private volatile bool _copied;

    /// <param name="basis">The served generation, copied into <paramref name="folder"/> by <see cref="EnsureCopied"/>; null when there is none.</param>
    internal StagedGeneration(MirrorLayout layout, string folder, string? basis)
    {
        _layout = layout;
        Folder = folder;
        _basis = basis;
        Index = new ServedIndex(layout, Path.Combine(folder, "index"), this);
    }

    public string Folder { get; }

    public ServedIndex Index { get; }

    public string ImportStateFile => Path.Combine(Folder, MirrorLayout.ImportStateName);

    /// <summary>The served generation this one still reads through (not copied yet), or null once it is a full copy.</summary>
    internal string? Basis => _basis;

    public string Full(string relative) => Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// Copies the served generation in (hard links) unless done: before the first change, which then applies to the
    /// copy. Callers may race: one copies, the others wait for it.
    /// </summary>
    internal void EnsureCopied()
    {
        if (_copied) return;
        lock (_copyGate)
        {
            if (_copied) return;
            if (_basis is { } basis) MirrorGenerations.CloneTree(basis, Folder);
            Directory.CreateDirectory(Path.Combine(Folder, "index"));
            _basis = null;
            _copied = true;
        }
    }

    /// <param name="step">Called at the fault points of the switch (tests inject crashes there).</param>
    public void Commit(Action<string>? step = null)
    {
        EnsureCopied();
        MirrorGenerations.Switch(_layout, Folder, step);
    }

    /// <summary>Nothing changed: drop the copy instead of switching to an identical state.</summary>
    public void Discard() => Directory.Delete(Folder, recursive: true);
}
