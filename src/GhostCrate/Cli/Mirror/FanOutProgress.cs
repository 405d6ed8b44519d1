using GhostCrate.Mirror.Downloads;

namespace GhostCrate.Cli.Mirror;

/// <summary>Hands every event to each of several progress reporters (terminal display plus status file).</summary>
public sealed class FanOutProgress(params IMirrorProgress[] targets) : IMirrorProgress
{
    public void FileQueued(DownloadRequest request) { foreach (var t in targets) t.FileQueued(request); }
    public void BytesReceived(long count) { foreach (var t in targets) t.BytesReceived(count); }
    public void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay) { foreach (var t in targets) t.Retrying(request, failedAttempts, reason, delay); }
    public void FileFinished(DownloadOutcome outcome) { foreach (var t in targets) t.FileFinished(outcome); }
    public void IndexFileUpdated(string name) { foreach (var t in targets) t.IndexFileUpdated(name); }
    public void Note(string message) { foreach (var t in targets) t.Note(message); }
    public void Phase(string phase) { foreach (var t in targets) t.Phase(phase); }
}
