using System.Collections.Concurrent;
using GhostCrate.Core.Backup;
using GhostCrate.Core.Storage;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// Batched writes into a <see cref="FileSystemBlobStore"/>'s folder: each file is written to a temp name and renamed
/// into place (so readers never see half a file), but not fsynced one by one; <see cref="IBlobBatch.FlushAsync"/>
/// makes all of them durable with one syncfs(2) of the file system (every file, folder and rename at once), or, where
/// syncfs is unavailable, one fsync per written file and per folder. A staged batch
/// (<see cref="FileSystemStagedBlobBatch"/>) writes under the temp folder instead and moves everything at the end.
/// </summary>
public sealed class FileSystemBlobBatchStore(string rootPath) : IBlobBatchStore
{
    private const int CopyBufferSize = 128 * 1024;
    private readonly BlobPaths _paths = new(rootPath);

    public IBlobBatch StartBatch()
    {
        Directory.CreateDirectory(_paths.TempFolder);
        return new Batch(_paths);
    }

    public IStagedBlobBatch StartStaged() => new FileSystemStagedBlobBatch(_paths);

    /// <remarks>A batch makes each folder once (a restore writes tens of thousands of files into a few thousand).</remarks>
    private sealed class Batch(BlobPaths paths) : IBlobBatch
    {
        private readonly ConcurrentDictionary<string, byte> _files = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, byte> _folders = new(StringComparer.Ordinal);

        public async Task PutAsync(BlobKey key, Stream content, CancellationToken cancellationToken)
        {
            var target = paths.Resolve(key.Path);
            var temp = TempFile();
            try
            {
                // Replacing a file that is already there (`restore --force` over a registry): its old bytes are durable
                // and the old database may still point at them until the restore ends, so the new bytes are made
                // durable before the rename instead of at the batch's flush; a power cut must not leave it empty.
                var replacing = File.Exists(target);
                // Unbuffered (bufferSize 0): CopyToAsync writes in chunks of its own pooled buffer; a FileStream buffer
                // would be one more large array per file (a restore writes hundreds of thousands of small files).
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
                {
                    await content.CopyToAsync(file, CopyBufferSize, cancellationToken);
                    if (replacing) file.Flush(flushToDisk: true);
                }
                MoveIntoPlace(temp, target);
            }
            finally
            {
                File.Delete(temp); // gone after the rename; a leftover after a failure
            }
        }

        public Task PutFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken)
        {
            var target = paths.Resolve(key.Path);
            using var input = FileFacts.OpenSource(localFile);
            var temp = TempFile();
            try
            {
                var replacing = File.Exists(target); // see PutAsync
                FileFacts.CopyFile(input, temp, cancellationToken);
                if (replacing)
                {
                    using var written = File.OpenHandle(temp, FileMode.Open, FileAccess.ReadWrite);
                    RandomAccess.FlushToDisk(written);
                }
                MoveIntoPlace(temp, target);
            }
            finally
            {
                File.Delete(temp);
            }
            return Task.CompletedTask;
        }

        private string TempFile() => Path.Combine(paths.TempFolder, $"{Guid.NewGuid():N}.partial");

        private void MoveIntoPlace(string temp, string target)
        {
            var folder = Path.GetDirectoryName(target)!;
            if (!_folders.ContainsKey(folder))
            {
                // Remembered only once it exists: a parallel put into the same new folder makes it again instead.
                Directory.CreateDirectory(folder);
                _folders.TryAdd(folder, 0);
            }
            File.Move(temp, target, overwrite: true); // rename(2): atomic replace
            _files.TryAdd(target, 0);
        }

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            if (LinuxNative.TrySyncFileSystem(paths.Root)) return Task.CompletedTask;
            foreach (var file in _files.Keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.FlushToDisk(handle);
            }
            foreach (var folder in _folders.Keys) LinuxNative.TryFlushDirectory(folder);
            return Task.CompletedTask;
        }
    }
}
