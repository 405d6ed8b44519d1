using GhostCrate.Core.Backup.Encryption;

namespace GhostCrate.Core.Backup;

/// <summary>
/// `backup create --include-mirror`: the offline mirror directory into the backup being written (<see cref="BackupMirror"/>).
/// Every file is hashed first, so a content the mirror holds twice (hard links) is stored once and a content the
/// previous backup at the target holds is referenced there, as unchanged blobs are. Files are immutable once a sync
/// has written them, so nothing is locked; a file that changes or vanishes between the hash and the copy (a sync that
/// retired it meanwhile) fails the backup, which the next run takes afresh.
/// </summary>
internal static class MirrorCopier
{
    public static async Task<BackupMirror> CopyAsync(string root, IBackupWriter writer, BackupKey? key, BackupManifest? baseBackup, BackupHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var tree = MirrorTree.Read(root);
        var files = tree.Where(e => e.LinkTarget is null).ToList();
        var measured = await BackupCreator.CopyEachAsync(files, async (file, token) =>
        {
            await using var stream = Open(root, file.Path);
            return await FileFacts.MeasureAsync(stream, token);
        }, heartbeat, cancellationToken);

        var earlier = new Dictionary<string, MirrorObjectEntry>(StringComparer.Ordinal);
        if (baseBackup is { Mirror: { } previous })
        {
            foreach (var stored in previous.Objects) earlier[stored.Sha256] = stored with { StoredIn = stored.StoredIn ?? baseBackup.Id };
        }
        var distinct = files.Zip(measured).GroupBy(f => f.Second.Sha256, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var objects = await BackupCreator.CopyEachAsync(distinct, async (file, token) =>
        {
            var (entry, facts) = file;
            if (earlier.TryGetValue(facts.Sha256, out var stored) && stored.Size == facts.Size) return stored;
            await using var stream = Open(root, entry.Path);
            var copied = await BackupFiles.AddAsync(writer, MirrorObjectEntry.FileOf(facts.Sha256), stream, key, token);
            if (copied != facts)
                throw new BackupException($"{System.IO.Path.Combine(root, entry.Path)}: changed while the backup ran (a mirror sync?); nothing was committed, run the backup again");
            return new MirrorObjectEntry(facts.Sha256, facts.Size);
        }, heartbeat, cancellationToken);

        return new BackupMirror(
            files.Zip(measured, (file, facts) => new MirrorFileEntry(file.Path, facts.Sha256)).ToList(),
            tree.Where(e => e.LinkTarget is not null).Select(e => new MirrorLinkEntry(e.Path, e.LinkTarget!)).ToList(),
            objects.OrderBy(o => o.Sha256, StringComparer.Ordinal).ToList());
    }

    private static FileStream Open(string root, string path)
    {
        var full = System.IO.Path.Combine(root, path);
        try
        {
            return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 128 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupException($"{full}: vanished from the mirror while the backup ran (a mirror sync retired it?); nothing was committed, run the backup again");
        }
    }
}
