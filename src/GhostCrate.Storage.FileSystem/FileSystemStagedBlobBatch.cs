using System.Collections.Concurrent;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Storage;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// A staged batch into a <see cref="FileSystemBlobStore"/>'s folder (a restore's one pass): each blob is written under
/// its key inside a staging folder in the store's temp folder, which listings and reads never see, and
/// <see cref="CommitAsync"/> moves the staged tree into place. A folder the store does not have yet moves in one rename
/// (restoring into an empty store moves `crates/` whole, not a few hundred thousand files); where both have a folder,
/// its entries move one by one and a staged file replaces the file of the same key. Disposing removes the staging
/// folder and any folder the batch made for it, so a refused restore leaves the store's folder as it found it.
/// </summary>
internal sealed class FileSystemStagedBlobBatch : IStagedBlobBatch
{
    private readonly BlobPaths _paths;
    private readonly string _staging;
    /// <summary>Folders that did not exist before this batch made its staging folder, deepest first.</summary>
    private readonly List<string> _made;
    private readonly ConcurrentDictionary<string, byte> _folders = new(StringComparer.Ordinal);
    /// <summary>
    /// Every staged file, relative to the staging folder (the root after the commit); for the fsync fallback. A queue,
    /// not a set: nothing looks a file up, and a restore adds hundreds of thousands.
    /// </summary>
    private readonly ConcurrentQueue<string> _files = new();
    private int _committed;

    public FileSystemStagedBlobBatch(BlobPaths paths)
    {
        _paths = paths;
        _made = MakeFolder(paths.TempFolder);
        _staging = Path.Combine(paths.TempFolder, $"restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_staging);
    }

    public Task<FileFacts> StageFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken)
    {
        var (relative, staged) = Locate(key);
        // Opened before the staged file's folder is made: a missing source leaves nothing behind.
        using var input = LocalCopy.OpenSource(localFile);
        EnsureFolder(Path.GetDirectoryName(staged)!);
        var facts = LocalCopy.CopyInto(input, staged, cancellationToken);
        _files.Enqueue(relative);
        return Task.FromResult(facts);
    }

    public async Task<FileFacts> StageAsync(BlobKey key, Stream content, CancellationToken cancellationToken)
    {
        var (relative, staged) = Locate(key);
        EnsureFolder(Path.GetDirectoryName(staged)!);
        FileFacts facts;
        // Unbuffered (bufferSize 0): FileFacts.CopyAsync writes in chunks of its own pooled buffer.
        await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
        {
            facts = await FileFacts.CopyAsync(content, file, cancellationToken);
        }
        _files.Enqueue(relative);
        return facts;
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _committed, 1) != 0) throw new InvalidOperationException("a staged batch commits once");
        // Replacing files of a registry (`restore --force`): the old database may still point at them until the new one
        // is installed, so the new bytes are made durable before any rename replaces an old file; a power cut must not
        // leave an emptied file behind a durable name.
        var replacing = Directory.EnumerateFileSystemEntries(_paths.Root).Any(e => Path.GetFileName(e) != BlobPaths.TempFolderName);
        if (replacing) MakeDurable(_staging);
        cancellationToken.ThrowIfCancellationRequested();
        MoveTree(_staging, _paths.Root);
        MakeDurable(_paths.Root);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        // After a commit only empty folders are left here (the ones merged into existing folders); before one, every
        // staged file: either way nothing of it may stay behind.
        if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
        foreach (var folder in _made)
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The key's path relative to the root (checked by <see cref="BlobPaths.Resolve"/>) and its staged file.</summary>
    private (string Relative, string Staged) Locate(BlobKey key)
    {
        // Resolve returns a full path under the root (or throws), so the part after the root and its separator is the
        // relative path: no second normalisation (Path.GetRelativePath) per blob.
        var relative = _paths.Resolve(key.Path)[(_paths.Root.Length + 1)..];
        return (relative, Path.Join(_staging, relative));
    }

    private void EnsureFolder(string folder)
    {
        if (_folders.ContainsKey(folder)) return;
        // Remembered only once it exists: a parallel stage into the same new folder makes it again instead.
        Directory.CreateDirectory(folder);
        _folders.TryAdd(folder, 0);
    }

    /// <summary>Moves every entry of <paramref name="from"/> into <paramref name="to"/>: a folder <paramref name="to"/> lacks in one rename.</summary>
    private static void MoveTree(string from, string to)
    {
        // Listed first: the loop takes entries out of the folder it reads.
        foreach (var entry in new DirectoryInfo(from).GetFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry is not DirectoryInfo folder) File.Move(entry.FullName, target, overwrite: true); // rename(2): atomic replace
            else if (Directory.Exists(target)) MoveTree(folder.FullName, target);
            else Directory.Move(folder.FullName, target);
        }
    }

    /// <summary>The staged files under <paramref name="root"/> (the staging folder, or the store's root after the move) made durable.</summary>
    private void MakeDurable(string root)
    {
        if (LinuxNative.TrySyncFileSystem(root)) return;
        var folders = new HashSet<string>(StringComparer.Ordinal) { root };
        foreach (var relative in _files)
        {
            var file = Path.Combine(root, relative);
            using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite)) RandomAccess.FlushToDisk(handle);
            var folder = Path.GetDirectoryName(file);
            while (folder is not null && folder.Length > root.Length && folders.Add(folder)) folder = Path.GetDirectoryName(folder);
        }
        foreach (var folder in folders) LinuxNative.TryFlushDirectory(folder);
    }

    /// <summary>Makes <paramref name="folder"/> and returns the folders that were missing, deepest first.</summary>
    private static List<string> MakeFolder(string folder)
    {
        var missing = new List<string>();
        for (var f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f)) missing.Add(f);
        Directory.CreateDirectory(folder);
        return missing;
    }
}
