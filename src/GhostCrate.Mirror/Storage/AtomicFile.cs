namespace GhostCrate.Mirror.Storage;

/// <summary>
/// Whole-file writes that readers (the server, cargo) never see half done: write a temp file inside the mirror,
/// flush it to disk, then rename it over the target (rename(2) is atomic within one file system).
/// </summary>
public static class AtomicFile
{
    /// <param name="flushToDisk">False only where a later syncfs makes the file durable before anything depends on it.</param>
    public static void Write(MirrorLayout layout, string path, ReadOnlySpan<byte> content, bool flushToDisk = true)
    {
        var temp = NewTempPath(layout);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk);
            }
            MoveIntoPlace(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static async Task WriteAsync(MirrorLayout layout, string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var temp = NewTempPath(layout);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await write(stream);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            MoveIntoPlace(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Renames a finished file (already flushed) over the target, creating the target's folder.</summary>
    public static void MoveIntoPlace(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(source, target, overwrite: true);
    }

    public static string NewTempPath(MirrorLayout layout)
    {
        Directory.CreateDirectory(layout.TempDir);
        return Path.Combine(layout.TempDir, Guid.NewGuid().ToString("N") + ".tmp");
    }
}
