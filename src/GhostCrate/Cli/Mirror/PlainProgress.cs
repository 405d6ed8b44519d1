using GhostCrate.Mirror.Downloads;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Cli.Mirror;

/// <summary>
/// Progress for logs and pipes: one line per retry, failure and note, and a status line at most every five seconds,
/// so a full crates.io sync does not print a line per file.
/// </summary>
public sealed class PlainProgress(TextWriter output, TimeProvider time) : IMirrorProgress
{
    private readonly object _lock = new();
    private long _queued;
    private long _finished;
    private long _bytes;
    private long _lastReport = time.GetTimestamp();

    public void FileQueued(DownloadRequest request) => Interlocked.Increment(ref _queued);

    public void BytesReceived(long count) => Interlocked.Add(ref _bytes, count);

    public void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay) =>
        Write($"retry {request.Name} {request.Version} (attempt {failedAttempts} failed: {reason}); next in {delay.TotalSeconds:F1}s");

    public void FileFinished(DownloadOutcome outcome)
    {
        var finished = Interlocked.Increment(ref _finished);
        if (!outcome.Succeeded) Write($"failed {outcome.Request.Name} {outcome.Request.Version}: {outcome.Error}");
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(Interlocked.Read(ref _lastReport), now) < TimeSpan.FromSeconds(5)) return;
        Interlocked.Exchange(ref _lastReport, now);
        Write($"progress: {finished}/{Interlocked.Read(ref _queued)} file(s), {ByteSize.Format(Interlocked.Read(ref _bytes))}");
    }

    public void Note(string message) => Write(message);

    private void Write(string line)
    {
        lock (_lock) output.WriteLine(line);
    }
}
