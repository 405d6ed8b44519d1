using GhostCrate.Core.MirrorJobs;
using GhostCrate.Mirror.Downloads;

namespace GhostCrate.Mirror.Jobs;

/// <summary>Counts what a running operation reports, for the run's heartbeat row; keeps its last notes for the log.</summary>
internal sealed class RunProgress : IMirrorProgress
{
    private const int MaxNotes = 50;
    private readonly Queue<string> _notes = new();
    private long _done;
    private long _total;
    private long _bytes;
    private long _retries;
    private long _failures;
    private volatile string? _phase;

    public void FileQueued(DownloadRequest request) => Interlocked.Increment(ref _total);

    public void BytesReceived(long count) => Interlocked.Add(ref _bytes, count);

    public void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay) => Interlocked.Increment(ref _retries);

    public void FileFinished(DownloadOutcome outcome)
    {
        Interlocked.Increment(ref _done);
        if (!outcome.Succeeded) Interlocked.Increment(ref _failures);
    }

    public void Note(string message)
    {
        lock (_notes)
        {
            _notes.Enqueue(message);
            if (_notes.Count > MaxNotes) _notes.Dequeue();
        }
    }

    public void Phase(string phase) => _phase = phase;

    /// <summary>Checking files (verify) counts them at the end: they are done and the total at once.</summary>
    public void Checked(long files)
    {
        Interlocked.Add(ref _done, files);
        Interlocked.Add(ref _total, files);
    }

    public void Failed(long count) => Interlocked.Add(ref _failures, count);

    public IReadOnlyList<string> Notes()
    {
        lock (_notes) return [.. _notes];
    }

    public MirrorRunProgress Snapshot() => new(_phase, Interlocked.Read(ref _done), Interlocked.Read(ref _total), Interlocked.Read(ref _bytes),
        Interlocked.Read(ref _retries), Interlocked.Read(ref _failures));
}
