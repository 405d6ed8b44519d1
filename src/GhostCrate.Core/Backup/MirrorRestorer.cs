using GhostCrate.Core.Backup.Encryption;

namespace GhostCrate.Core.Backup;

/// <summary>
/// Puts a backup's offline mirror (<see cref="BackupMirror"/>) back as a directory. Everything is written into a
/// staging folder next to the target (same file system), each file flushed to disk, and the staging folder then takes
/// the target's name in one rename: an interrupted restore leaves the old directory (or none), never half a mirror.
/// Files the mirror held as hard links of one another come back as separate copies.
/// </summary>
internal static class MirrorRestorer
{
    /// <summary>Null when <paramref name="target"/> may receive the mirror; otherwise why not (checked before anything is touched).</summary>
    public static string? Refusal(string? target, bool force)
    {
        if (target is null)
            return "the backup holds an offline mirror (made with --include-mirror): say where it goes with --mirror-dir DIR (or Mirror:Directory)";
        var full = Path.GetFullPath(target);
        if (!force && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            return $"the mirror directory {full} is not empty; nothing was restored (use --force to replace it)";
        if (File.Exists(full)) return $"{full} is a file, not a directory";
        return null;
    }

    public static async Task RestoreAsync(IBackupReader backup, BackupMirror mirror, BackupKey? key, string target, CancellationToken cancellationToken)
    {
        target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        var parent = Path.GetDirectoryName(target) ?? throw new BackupException($"{target}: cannot restore a mirror into a file system root");
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.restoring-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var objects = mirror.Objects.ToDictionary(o => o.Sha256, StringComparer.Ordinal);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = BackupRestorer.CopyParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(mirror.Files, parallel, async (file, token) =>
            {
                var path = Path.Combine(staging, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var source = await BackupFiles.OpenAsync(backup, objects[file.Sha256].AsFile(), key, token)
                    ?? throw new BackupException($"{objects[file.Sha256].File}: disappeared from the backup during the restore");
                await using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
                var facts = await FileFacts.CopyAsync(source, copy, token);
                // Verified before the restore began; checked again because the bytes were read a second time.
                if (facts.Sha256 != file.Sha256) throw new BackupException($"{objects[file.Sha256].File}: changed during the restore");
                copy.Flush(flushToDisk: true);
            });
            foreach (var link in mirror.Links)
            {
                var path = Path.Combine(staging, link.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.CreateSymbolicLink(path, link.Target);
            }
            Install(staging, target);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>The staging folder takes the target's place; a replaced directory is moved aside first and deleted after.</summary>
    private static void Install(string staging, string target)
    {
        string? replaced = null;
        if (Directory.Exists(target))
        {
            replaced = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.replaced-{Guid.NewGuid():N}");
            Directory.Move(target, replaced);
        }
        Directory.Move(staging, target);
        if (replaced is not null) TryDelete(replaced);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left behind: wasted space beside the mirror, never part of it.
        }
    }
}
