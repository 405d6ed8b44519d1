using System.Collections.Concurrent;
using GhostCrate.Core.Backup;

namespace GhostCrate.Storage.FileSystem.Backup;

/// <summary>
/// Writes one backup folder. Files are written under their final names and made durable with one syncfs before the
/// manifest (the same batching the mirror uses); only the manifest needs the temp-fsync-rename dance, because it is the
/// one file whose presence means "complete". A crash before the manifest leaves an incomplete folder, which list and
/// verify report as such.
/// </summary>
internal sealed class DirectoryBackupWriter : IBackupWriter
{
    private const int BufferSize = 128 * 1024;
    private readonly string _folder;
    private readonly BlobPaths _paths;
    private readonly ConcurrentDictionary<string, byte> _folders = new(StringComparer.Ordinal);

    public DirectoryBackupWriter(string folder)
    {
        _folder = folder;
        _paths = new BlobPaths(folder);
        StagingFolder = _paths.TempFolder;
        Directory.CreateDirectory(StagingFolder);
    }

    public string StagingFolder { get; }

    public async Task<FileFacts> AddAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var target = Prepare(path);
        // Unbuffered (bufferSize 0): the copy already writes in large chunks, and a FileStream buffer would be one more
        // large array per file, copied into before each write.
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        return await FileFacts.CopyAsync(content, file, cancellationToken);
    }

    public Task<FileFacts> AddFileAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        // Opened before the target's folder is made: a missing source leaves nothing behind.
        using var input = LocalCopy.OpenSource(localFile);
        return Task.FromResult(LocalCopy.CopyInto(input, Prepare(path), cancellationToken));
    }

    /// <summary>The target file of <paramref name="path"/>, its folder made (each folder once: a backup writes hundreds of thousands of files into far fewer folders).</summary>
    private string Prepare(string path)
    {
        var target = _paths.Resolve(path);
        var folder = Path.GetDirectoryName(target)!;
        if (!_folders.ContainsKey(folder))
        {
            // Remembered only once it exists: a parallel add into the same new folder makes it again instead.
            Directory.CreateDirectory(folder);
            _folders.TryAdd(folder, 0);
        }
        return target;
    }

    public async Task<FileFacts> AdoptAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        FileFacts facts;
        await using (var stream = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            facts = await FileFacts.MeasureAsync(stream, cancellationToken);
        }
        var target = _paths.Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(localFile, target, overwrite: false);
        return facts;
    }

    public async Task CommitAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
    {
        // Everything the manifest lists must be on disk before the manifest can say so.
        if (!LinuxNative.TrySyncFileSystem(_folder)) FlushEveryFile();
        var temp = Path.Combine(StagingFolder, $"{Guid.NewGuid():N}.manifest");
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await file.WriteAsync(manifest, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, Path.Combine(_folder, BackupManifest.FileName), overwrite: false);
        LinuxNative.TryFlushDirectory(_folder);
        Directory.Delete(StagingFolder, recursive: true);
    }

    public async Task WriteRunningMarkerAsync(ReadOnlyMemory<byte> marker, CancellationToken cancellationToken)
    {
        // Replaced by a rename, so a prune reading it meanwhile sees the old marker or the new one, never half of one.
        Directory.CreateDirectory(StagingFolder);
        var temp = Path.Combine(StagingFolder, $"{Guid.NewGuid():N}.running");
        await File.WriteAllBytesAsync(temp, marker.ToArray(), cancellationToken);
        File.Move(temp, Path.Combine(_folder, RunningMarker.FileName), overwrite: true);
    }

    public Task RemoveRunningMarkerAsync(CancellationToken cancellationToken)
    {
        File.Delete(Path.Combine(_folder, RunningMarker.FileName));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        // After a failure the staging folder (a half-made snapshot) is only wasted space; the missing manifest already
        // marks the backup incomplete.
        try
        {
            if (Directory.Exists(StagingFolder)) Directory.Delete(StagingFolder, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private void FlushEveryFile()
    {
        foreach (var path in Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories))
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
    }
}
