using System.Runtime.CompilerServices;
using GhostCrate.Core.Backup;

namespace GhostCrate.Storage.FileSystem.Backup;

/// <summary>Reads one backup folder; paths from a manifest go through <see cref="BlobPaths"/>, so none leaves the folder.</summary>
public sealed class DirectoryBackupReader(string folder) : IBackupReader
{
    private readonly BlobPaths _paths = new(folder);

    public string Id => Path.GetFileName(_paths.Root);

    public string Describe => _paths.Root;

    public async Task<byte[]?> ReadManifestAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_paths.Root)) throw new BackupException($"{_paths.Root}: no such backup folder");
        var path = Path.Combine(_paths.Root, BackupManifest.FileName);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public async Task<byte[]?> ReadRunningMarkerAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(Path.Combine(_paths.Root, RunningMarker.FileName), cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListFilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (var file in Directory.EnumerateFiles(_paths.Root, "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = _paths.KeyOf(file);
            if (relative is BackupManifest.FileName or RunningMarker.FileName || relative.StartsWith(BlobPaths.TempFolderName + "/", StringComparison.Ordinal)) continue;
            yield return relative;
        }
    }

    public IBackupReader OpenSibling(string id)
    {
        if (!BackupPaths.IsSafeRelative(id) || id.Contains('/')) throw new BackupException($"'{id}' is not a backup id");
        return new DirectoryBackupReader(Path.Combine(Path.GetDirectoryName(_paths.Root)!, id));
    }

    public string? LocalFile(string path) => _paths.Resolve(path);

    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = _paths.Resolve(path);
        if (!File.Exists(full)) return Task.FromResult<Stream?>(null);
        return Task.FromResult<Stream?>(new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 128 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }
}
