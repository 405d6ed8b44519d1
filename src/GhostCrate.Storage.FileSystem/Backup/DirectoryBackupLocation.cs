using GhostCrate.Core.Backup;

namespace GhostCrate.Storage.FileSystem.Backup;

/// <summary>Backups kept in a local directory: DIR/{id}/ per backup (manifest.json, database/, blobs/).</summary>
public sealed class DirectoryBackupLocation(string root) : IBackupLocation
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Describe => Root;

    public Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> ids = Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).ToList()
            : [];
        return Task.FromResult(ids);
    }

    public Task<IBackupWriter> CreateAsync(string id, CancellationToken cancellationToken)
    {
        var folder = Folder(id);
        Directory.CreateDirectory(Root);
        // Ids come from the clock; a second backup in the same second gets a suffix (BackupCreator), never this folder.
        if (Directory.Exists(folder)) throw new BackupException($"{folder} exists already");
        Directory.CreateDirectory(folder);
        LinuxNative.TryFlushDirectory(Root);
        return Task.FromResult<IBackupWriter>(new DirectoryBackupWriter(folder));
    }

    public IBackupReader Open(string id) => new DirectoryBackupReader(Path.Combine(Root, id));

    public Task RemoveManifestAsync(string id, CancellationToken cancellationToken)
    {
        var folder = Folder(id);
        File.Delete(Path.Combine(folder, BackupManifest.FileName));
        // Durable before any file goes: a crash must not bring back a manifest whose files were deleted.
        LinuxNative.TryFlushDirectory(folder);
        return Task.CompletedTask;
    }

    public async Task DeleteAsync(string id, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        await RemoveManifestAsync(id, cancellationToken);
        var folder = Folder(id);
        if (!Directory.Exists(folder)) return;
        if (keep.Count == 0)
        {
            Directory.Delete(folder, recursive: true);
            return;
        }
        var paths = new BlobPaths(folder);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(folder, "*", options).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!keep.Contains(paths.KeyOf(file))) File.Delete(file);
        }
        // Empty folders left behind, deepest first.
        foreach (var dir in Directory.EnumerateDirectories(folder, "*", options).OrderByDescending(d => d.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
    }

    private string Folder(string id)
    {
        if (!BackupPaths.IsSafeRelative(id) || id.Contains('/')) throw new ArgumentException($"'{id}' is not a backup id", nameof(id));
        return Path.Combine(Root, id);
    }
}
