namespace GhostCrate.Mirror.Sync;

/// <summary>
/// The summary a sync prints at the end; <see cref="Complete"/> only when nothing failed. <see cref="IndexFilesNotModified"/>
/// counts sparse index files the upstream answered 304 for.
/// </summary>
public sealed record SyncReport(
    long FilesDownloaded,
    long FilesPresent,
    long BytesDownloaded,
    long Retries,
    int IndexFilesUpdated,
    int IndexFilesRemoved,
    IReadOnlyList<string> Failures,
    TimeSpan Elapsed,
    string ManifestPath,
    int IndexFilesNotModified = 0)
{
    public bool Complete => Failures.Count == 0;

    public double FilesPerSecond => Elapsed.TotalSeconds > 0 ? FilesDownloaded / Elapsed.TotalSeconds : 0;

    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesDownloaded / Elapsed.TotalSeconds : 0;
}
