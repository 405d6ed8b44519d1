namespace GhostCrate.Core.Backup;

/// <summary>One entry of the offline mirror directory as a backup sees it: a regular file, or a symbolic link (<paramref name="LinkTarget"/>).</summary>
public sealed record MirrorTreeEntry(string Path, string? LinkTarget);

/// <summary>
/// What of the offline mirror directory goes into a backup (the layout is GhostCrate.Mirror's MirrorLayout): every
/// file and link outside `.ghostcrate/`, and of `.ghostcrate/` only the generation the `current` link serves. The rest
/// of `.ghostcrate/` is the mirror's scratch and caches (partial downloads, temp files, the upstream clone or sparse
/// cache, older generations about to be retired), which the next `mirror sync` fetches or rebuilds.
/// </summary>
public static class MirrorTree
{
    public const string StateFolder = ".ghostcrate";
    public const string CurrentLink = "current";

    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0, RecurseSubdirectories = false, IgnoreInaccessible = false };

    public static IReadOnlyList<MirrorTreeEntry> Read(string root)
    {
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new BackupException($"{root}: the mirror directory (Mirror:Directory) does not exist");
        var entries = new List<MirrorTreeEntry>();
        Walk(root, "", entries);
        if (ServedGeneration(root) is { } generation) Walk(root, generation, entries);
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    /// <summary>The served generation's folder (`.ghostcrate/generations/N`), relative to the root; null for a mirror without generations.</summary>
    private static string? ServedGeneration(string root)
    {
        string? link;
        try
        {
            link = new FileInfo(System.IO.Path.Combine(root, CurrentLink)).LinkTarget;
        }
        catch (IOException)
        {
            return null; // no `current` at all: a mirror made before generations (or not synced yet)
        }
        if (link is null) return null;
        var relative = System.IO.Path.GetRelativePath(root, System.IO.Path.GetFullPath(link, root)).Replace(System.IO.Path.DirectorySeparatorChar, '/');
        // Anything but a folder below .ghostcrate/ is taken as an ordinary link, walked (or refused) like the others.
        return relative.StartsWith(StateFolder + "/", StringComparison.Ordinal) && BackupPaths.IsSafeRelative(relative) && Directory.Exists(System.IO.Path.Combine(root, relative)) ? relative : null;
    }

    private static void Walk(string root, string relative, List<MirrorTreeEntry> entries)
    {
        var folder = new DirectoryInfo(relative.Length == 0 ? root : System.IO.Path.Combine(root, relative));
        foreach (var info in folder.EnumerateFileSystemInfos("*", Everything))
        {
            var path = relative.Length == 0 ? info.Name : $"{relative}/{info.Name}";
            if (info.LinkTarget is { } target)
            {
                var link = new MirrorLinkEntry(path, target);
                // A link out of the mirror cannot be restored as it was (its target is not in the backup) and would let
                // a restore write a link anywhere: refused, not silently dropped.
                if (!link.StaysInside()) throw new BackupException($"{System.IO.Path.Combine(root, path)}: a link to {target}, outside the mirror directory; a backup of the mirror cannot hold it");
                entries.Add(new MirrorTreeEntry(path, target));
            }
            else if (info is DirectoryInfo)
            {
                if (path != StateFolder) Walk(root, path, entries);
            }
            else if ((info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0)
            {
                entries.Add(new MirrorTreeEntry(path, null));
            }
        }
    }
}
