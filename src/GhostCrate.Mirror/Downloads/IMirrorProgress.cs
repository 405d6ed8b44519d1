namespace GhostCrate.Mirror.Downloads;

/// <summary>What a long mirror operation reports as it goes (progress display, metrics, logs). Every method is optional.</summary>
public interface IMirrorProgress
{
    void FileQueued(DownloadRequest request) { }
    void BytesReceived(long count) { }
    void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay) { }
    void FileFinished(DownloadOutcome outcome) { }
    void IndexFileUpdated(string name) { }
    void Note(string message) { }
    /// <summary>A sync moved on (SyncPhases); the first call means it holds the mirror's lock.</summary>
    void Phase(string phase) { }
}

/// <summary>Reports nothing.</summary>
public sealed class NoProgress : IMirrorProgress
{
    public static NoProgress Instance { get; } = new();
}
