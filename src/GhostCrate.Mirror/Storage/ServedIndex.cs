using System.Text;
using GhostCrate.Protocol.Index;
using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// One generation's index folder: the one served right now (pinned when this is made, so a reader of many files sees
/// one consistent state even if a sync switches meanwhile), or a staged one a sync or import is building. Each crate's
/// file is replaced whole by a rename and only ever lists versions whose .crate file is already in the mirror: Panamax
/// users saw 404s because its index moved first.
/// </summary>
public sealed class ServedIndex
{
    private readonly MirrorLayout _layout;
    private readonly bool _staged;
    private readonly StagedGeneration? _generation;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _folders = new(StringComparer.Ordinal);

    /// <summary>The generation served now.</summary>
    public ServedIndex(MirrorLayout layout) : this(layout, layout.PinnedIndexDir(), staged: false)
    {
    }

    /// <param name="staged">
    /// A staged generation is read by nobody until the switch, which makes it durable at once (syncfs): its files are
    /// written directly, without a temp file, a rename or an fsync each. Creating files is what a big sync spends its
    /// kernel time on (ext4 inode allocation), so one file per crate instead of two matters.
    /// </param>
    public ServedIndex(MirrorLayout layout, string directory, bool staged)
    {
        _layout = layout;
        Directory = directory;
        _staged = staged;
    }

    /// <summary>The index of a staged generation, which reads the served files until its first change copies them in.</summary>
    internal ServedIndex(MirrorLayout layout, string directory, StagedGeneration generation) : this(layout, directory, staged: true)
    {
        _generation = generation;
    }

    public string Directory { get; }

    /// <summary>Where this index's files are read from: the served generation while a staged one has not been copied yet.</summary>
    private string ReadDirectory => _generation?.Basis is { } basis ? Path.Combine(basis, "index") : Directory;

    /// <summary>A mirror-relative path on disk, with `index/...` and `toolchains/...` taken from this generation.</summary>
    public string Resolve(string relative) =>
        relative.StartsWith("index/", StringComparison.Ordinal) ? Path.Combine(ReadDirectory, relative["index/".Length..])
        : relative.StartsWith(Toolchains.ToolchainTree.BundlePrefix, StringComparison.Ordinal) && _layout.HasGenerations
            ? Toolchains.ToolchainTree.Full(Toolchains.ToolchainTree.OfGeneration(ReadDirectory), relative[Toolchains.ToolchainTree.BundlePrefix.Length..])
            : _layout.Full(relative);

    public string FileOf(string name) => Path.Combine(Directory, IndexPath.ForCrate(name));

    public List<IndexLine>? Read(string name)
    {
        var path = Path.Combine(ReadDirectory, IndexPath.ForCrate(name));
        return File.Exists(path) ? IndexLine.ParseFile(File.ReadAllText(path, Encoding.UTF8), out _) : null;
    }

    /// <summary>Writes the crate's file; returns false when the content was already exactly that.</summary>
    public bool Write(string name, IReadOnlyList<IndexLine> lines)
    {
        var bytes = Encoding.UTF8.GetBytes(IndexLine.Render(lines));
        var relative = IndexPath.ForCrate(name);
        if (_staged && _generation?.Basis is null && TryCreateNew(Path.Combine(Directory, relative), bytes)) return true;
        var current = Path.Combine(ReadDirectory, relative);
        // The copy holds exactly the served files, so what exists there is what exists in the copy.
        var exists = File.Exists(current);
        if (exists && File.ReadAllBytes(current).AsSpan().SequenceEqual(bytes)) return false;
        _generation?.EnsureCopied();
        var path = Path.Combine(Directory, relative);
        if (_staged)
        {
            // The old file is a hard link shared with the served generation: unlink it, never write through it.
            if (exists) File.Delete(path);
            else EnsureFolder(Path.GetDirectoryName(path)!);
            // A plain handle and one write: a FileStream would add a file-system query, a truncate and a seek per file.
            using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            RandomAccess.Write(handle, bytes, 0);
        }
        else
        {
            AtomicFile.Write(_layout, path, bytes);
        }
        return true;
    }

    /// <summary>
    /// A staged file that does not exist yet (every file of a first sync, each new crate later): one exclusive create,
    /// without looking first whether it exists and without the advisory lock and file-type check .NET adds to every
    /// open. False when it was not created (it exists, or no such call here): the caller compares and replaces.
    /// </summary>
    private bool TryCreateNew(string path, byte[] bytes)
    {
        EnsureFolder(Path.GetDirectoryName(path)!);
        using var handle = LinuxNative.TryOpenForCopy(path, create: true);
        if (handle is null) return false;
        LinuxNative.WriteAt(handle, bytes, 0);
        return true;
    }

    /// <summary>
    /// Creates a folder of this index once: thousands of crates share a few hundred folders, and each mkdir is a path
    /// walk in the kernel. Remembered only after it exists, so a parallel writer never skips a folder not yet made.
    /// </summary>
    private void EnsureFolder(string folder)
    {
        if (_folders.ContainsKey(folder)) return;
        System.IO.Directory.CreateDirectory(folder);
        _folders.TryAdd(folder, true);
    }

    public bool Delete(string name)
    {
        if (!File.Exists(Path.Combine(ReadDirectory, IndexPath.ForCrate(name)))) return false;
        _generation?.EnsureCopied();
        File.Delete(FileOf(name));
        return true;
    }

    /// <summary>Every crate that has an index file here, in ordinal order of its path (streamed, not collected).</summary>
    public IEnumerable<string> EnumerateNames()
    {
        var directory = ReadDirectory;
        if (!System.IO.Directory.Exists(directory)) yield break;
        foreach (var file in Walk(directory))
        {
            var relative = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (IndexPath.TryParse(relative, out var name)) yield return name;
        }
    }

    /// <summary>Every index file here as (`index/...` path, full path), in walk order.</summary>
    public IEnumerable<(string Relative, string Full)> EnumerateFiles()
    {
        var directory = ReadDirectory;
        if (!System.IO.Directory.Exists(directory)) yield break;
        foreach (var file in Walk(directory)) yield return (MirrorLayout.IndexRelative(directory, file), file);
    }

    /// <summary>
    /// A sorted depth-first walk: deterministic order, one directory listing in memory at a time. Whether an entry is a
    /// folder comes with the listing (the entry's type, as Directory.Exists would answer it, links followed), not from
    /// a stat per entry: an index folder holds thousands of files.
    /// </summary>
    internal static IEnumerable<string> Walk(string directory)
    {
        var entries = new System.IO.Enumeration.FileSystemEnumerable<(string Path, bool IsDirectory)>(directory,
            (ref System.IO.Enumeration.FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory)).ToArray();
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var (entry, isDirectory) in entries)
        {
            if (isDirectory)
            {
                foreach (var nested in Walk(entry)) yield return nested;
            }
            else
            {
                yield return entry;
            }
        }
    }
}
