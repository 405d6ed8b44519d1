using System.IO.Enumeration;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Storage.FileSystem;

/// <summary>
/// Stores blobs as files under a root folder, one file per key ("crates/serde/serde-1.0.0.crate").
/// Writes go to a temp file under the root, are fsynced, then renamed into place, so a reader sees either the old
/// file or the complete new one and a crash never leaves a truncated blob under a real key.
/// </summary>
public sealed class FileSystemBlobStore(string rootPath, ILogger<FileSystemBlobStore> logger) : IBlobStore, ILocalBlobFiles
{
    private const int CopyBufferSize = 81920;

    // Content already in memory up to this size is written with blocking calls: on Linux every asynchronous file
    // write is a hop to the thread pool and back, which costs more than writing a small file, and the fsync that
    // follows blocks the thread anyway.
    private const int SmallInMemoryBytes = 1024 * 1024;

    private readonly BlobPaths _paths = new(rootPath);
    private bool _warnedAboutRacyNoReplace;

    /// <summary>The absolute root folder.</summary>
    public string RootPath => _paths.Root;

    public string LocalPath(BlobKey key) => _paths.Resolve(key.Path);

    public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = _paths.Resolve(key.Path);

        // Cheap early exit so a cache hit does not copy the stream; the no-replace link below is what settles races.
        if (mode == BlobPutMode.IfAbsent && File.Exists(target)) return BlobPutResult.AlreadyExists;

        var temp = await WriteTempFileAsync(content, cancellationToken);
        try
        {
            var folder = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(folder);
            // Last chance to honour cancellation: once the file is in place the put has happened.
            cancellationToken.ThrowIfCancellationRequested();

            if (mode == BlobPutMode.Overwrite)
            {
                File.Move(temp, target, overwrite: true); // rename(2): atomic replace
            }
            else if (!MoveIfAbsent(temp, target))
            {
                logger.LogDebug("Blob {BlobKey} already exists; kept the existing file", key.Path);
                return BlobPutResult.AlreadyExists;
            }

            if (!LinuxNative.TryFlushDirectory(folder) && OperatingSystem.IsLinux())
                logger.LogDebug("Could not fsync folder {Folder} after storing {BlobKey}", folder, key.Path);
            logger.LogDebug("Stored blob {BlobKey} ({Mode})", key.Path, mode);
            return BlobPutResult.Stored;
        }
        finally
        {
            // After a rename the temp name is gone; after a link or a failure it is still there.
            DeleteTempFile(temp);
        }
    }

    public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var path = _paths.Resolve(key.Path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                // Delete lets an overwrite or delete proceed on Windows while a download is still streaming the old file.
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = CopyBufferSize,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<BlobContent?>(null);
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // The key names a folder ("crates/serde"), which is not a blob, exactly as on S3.
            return Task.FromResult<BlobContent?>(null);
        }

        try
        {
            // Length and time come from the open handle, so they describe the file being streamed even if the key is
            // overwritten a moment later.
            var lastModified = new DateTimeOffset(File.GetLastWriteTimeUtc(stream.SafeFileHandle), TimeSpan.Zero);
            return Task.FromResult<BlobContent?>(new BlobContent(stream, stream.Length, lastModified));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(_paths.Resolve(key.Path)));

    public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var path = _paths.Resolve(key.Path);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete. Empty parent folders are deliberately left behind: removing them would race with a
            // concurrent put that has just created the folder and is about to move its file into it.
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            // The key names a folder of blobs, not a blob: there is no such blob to delete, as on S3.
        }
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var folder = _paths.FolderForPrefix(prefix);
        return EnumerateKeys(folder, prefix, cancellationToken).ToAsyncEnumerable();
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_paths.TempFolder);
        var probe = Path.Combine(_paths.TempFolder, $"health-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(probe, [0x2a], cancellationToken);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private async Task<string> WriteTempFileAsync(Stream content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_paths.TempFolder);
        var temp = Path.Combine(_paths.TempFolder, $"{Guid.NewGuid():N}.partial");
        try
        {
            var small = content is MemoryStream && content.Length - content.Position <= SmallInMemoryBytes;
            await using var file = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = small ? FileOptions.None : FileOptions.Asynchronous,
                BufferSize = small ? 0 : CopyBufferSize,
            });
            if (small) content.CopyTo(file);
            else await content.CopyToAsync(file, CopyBufferSize, cancellationToken);
            // fsync before the rename: otherwise a crash can leave the new name pointing at a file with no data.
            file.Flush(flushToDisk: true);
            return temp;
        }
        catch
        {
            DeleteTempFile(temp);
            throw;
        }
    }

    /// <summary>Moves the temp file to the target unless the target exists; false when it existed.</summary>
    private bool MoveIfAbsent(string temp, string target)
    {
        switch (LinuxNative.TryLink(temp, target))
        {
            case LinkResult.Linked:
                return true;
            case LinkResult.TargetExists:
                return false;
        }

        // Windows: MoveFileEx without REPLACE_EXISTING is atomic. Elsewhere (macOS, Linux mounts without hard links)
        // File.Move checks then renames, so two concurrent writers of one key may both succeed; say so once.
        if (!OperatingSystem.IsWindows() && !_warnedAboutRacyNoReplace)
        {
            _warnedAboutRacyNoReplace = true;
            logger.LogWarning("Hard links are not available under {Root}; put-if-absent falls back to a check-then-rename that is not atomic", _paths.Root);
        }

        try
        {
            File.Move(temp, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false;
        }
    }

    private IEnumerable<string> EnumerateKeys(string folder, string prefix, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder)) yield break;

        var root = _paths.Root;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            // The default skips hidden files, which on Unix means every name starting with a dot; keys may have one.
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
        };
        var files = new FileSystemEnumerable<string>(folder, static (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => !entry.IsDirectory,
            // Temp files are not blobs; never even walk into their folder.
            ShouldRecursePredicate = (ref FileSystemEntry entry) =>
                !(entry.FileName.SequenceEqual(BlobPaths.TempFolderName) && entry.Directory.SequenceEqual(root)),
        };

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = _paths.KeyOf(file);
            if (key.StartsWith(prefix, StringComparison.Ordinal)) yield return key;
        }
    }

    private void DeleteTempFile(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Never hide the original failure behind a cleanup failure; a leftover temp file is only wasted space.
            logger.LogWarning(ex, "Could not delete temp file {TempFile}", temp);
        }
    }
}
