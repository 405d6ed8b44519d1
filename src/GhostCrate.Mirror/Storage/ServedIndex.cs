using System.Text;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// The index the mirror serves (DIR/index). Each crate's file is replaced whole and atomically, and only ever lists
/// versions whose .crate file is already in the mirror: Panamax users saw 404s because its index moved first.
/// </summary>
public sealed class ServedIndex(MirrorLayout layout)
{
    public List<IndexLine>? Read(string name)
    {
        var path = layout.IndexFile(name);
        return File.Exists(path) ? IndexLine.ParseFile(File.ReadAllText(path, Encoding.UTF8), out _) : null;
    }

    /// <summary>Writes the crate's file; returns false when the content was already exactly that.</summary>
    public bool Write(string name, IReadOnlyList<IndexLine> lines)
    {
        var path = layout.IndexFile(name);
        var bytes = Encoding.UTF8.GetBytes(IndexLine.Render(lines));
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return false;
        AtomicFile.Write(layout, path, bytes);
        return true;
    }

    public bool Delete(string name)
    {
        var path = layout.IndexFile(name);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Every crate that has a served index file, in ordinal order of its path (streamed, not collected).</summary>
    public IEnumerable<string> EnumerateNames()
    {
        if (!Directory.Exists(layout.IndexDir)) yield break;
        foreach (var file in Walk(layout.IndexDir))
        {
            var relative = Path.GetRelativePath(layout.IndexDir, file).Replace(Path.DirectorySeparatorChar, '/');
            if (IndexPath.TryParse(relative, out var name)) yield return name;
        }
    }

    /// <summary>A sorted depth-first walk: deterministic order, one directory listing in memory at a time.</summary>
    internal static IEnumerable<string> Walk(string directory)
    {
        var entries = Directory.GetFileSystemEntries(directory);
        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (Directory.Exists(entry))
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
