using GhostCrate.Mirror;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;

namespace GhostCrate.Cli.Mirror;

/// <summary>
/// Keeps <see cref="MirrorLayout.SyncStatusFile"/> current while `mirror sync` runs, so `ghostcrate serve` (another
/// process) can show live progress on /admin/mirror. Counters are updated per event; the file is written by a
/// one-second timer (the heartbeat: the admin page calls a "running" status stale when it stops moving) and once at the
/// end. Nothing is written before the sync holds the mirror's lock (its first phase): a second sync refused by the lock
/// must not overwrite the status of the one that is running.
/// </summary>
public sealed class StatusFileProgress : IMirrorProgress, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly MirrorLayout _layout;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private ITimer? _timer;
    private string? _phase;
    private DateTimeOffset _startedAt;
    private long _queued, _done, _downloaded, _present, _bytes, _retries, _failures, _indexUpdated;
    private string? _lastError;
    private bool _ended;

    public StatusFileProgress(MirrorLayout layout, TimeProvider time)
    {
        _layout = layout;
        _time = time;
    }

    public void Phase(string phase)
    {
        lock (_lock)
        {
            if (_ended) return;
            if (_phase is null)
            {
                _startedAt = _time.GetUtcNow();
                _timer = _time.CreateTimer(_ => Write(), null, Interval, Interval);
            }
            _phase = phase;
        }
        Write();
    }

    public void FileQueued(DownloadRequest request) => Interlocked.Increment(ref _queued);

    public void BytesReceived(long count) => Interlocked.Add(ref _bytes, count);

    public void Retrying(DownloadRequest request, int failedAttempts, string reason, TimeSpan delay)
    {
        Interlocked.Increment(ref _retries);
        Volatile.Write(ref _lastError, $"{request.Name} {request.Version}: {reason} (retrying)");
    }

    public void FileFinished(DownloadOutcome outcome)
    {
        Interlocked.Increment(ref _done);
        if (outcome.Status == DownloadStatus.Downloaded) Interlocked.Increment(ref _downloaded);
        if (!outcome.Succeeded)
        {
            Interlocked.Increment(ref _failures);
            Volatile.Write(ref _lastError, $"{outcome.Request.Name} {outcome.Request.Version}: {outcome.Error}");
        }
    }

    public void IndexFileUpdated(string name) => Interlocked.Increment(ref _indexUpdated);

    /// <summary>The sync returned: its report has the final numbers (files already present, index failures).</summary>
    public void Finished(SyncReport report) => End(report.Complete ? SyncPhases.Complete : SyncPhases.Incomplete, report.Failures.LastOrDefault(), report);

    /// <summary>The sync threw; recorded only if it had started (held the lock).</summary>
    public void Failed(Exception exception) =>
        End(exception is OperationCanceledException ? SyncPhases.Interrupted : SyncPhases.Failed,
            exception is OperationCanceledException ? "interrupted" : exception is MirrorException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}",
            null);

    private void End(string phase, string? error, SyncReport? report)
    {
        lock (_lock)
        {
            if (_phase is null || _ended) return;
            _timer?.Dispose();
            _phase = phase;
            if (error is not null) _lastError = error;
            if (report is not null)
            {
                _downloaded = report.FilesDownloaded;
                _present = report.FilesPresent;
                _bytes = report.BytesDownloaded;
                _retries = report.Retries;
                _failures = report.Failures.Count;
                _indexUpdated = report.IndexFilesUpdated;
            }
            Save(ended: true);
            _ended = true;
        }
    }

    private void Write()
    {
        lock (_lock)
        {
            if (_phase is null || _ended) return;
            try
            {
                Save(ended: false);
            }
            catch (IOException)
            {
                // A full disk must not stop the sync; the next heartbeat tries again (and the page shows it as stale).
            }
        }
    }

    private void Save(bool ended)
    {
        var now = _time.GetUtcNow();
        var seconds = (now - _startedAt).TotalSeconds;
        var bytes = Interlocked.Read(ref _bytes);
        new SyncStatus
        {
            Phase = _phase!,
            FilesQueued = Interlocked.Read(ref _queued),
            FilesDone = Interlocked.Read(ref _done),
            FilesDownloaded = Interlocked.Read(ref _downloaded),
            FilesPresent = _present,
            Bytes = bytes,
            BytesPerSecond = seconds > 0 ? bytes / seconds : 0,
            Retries = Interlocked.Read(ref _retries),
            Failures = Interlocked.Read(ref _failures),
            IndexFilesUpdated = Interlocked.Read(ref _indexUpdated),
            StartedAt = _startedAt,
            UpdatedAt = now,
            FinishedAt = ended ? now : null,
            LastError = Volatile.Read(ref _lastError),
            ProcessId = Environment.ProcessId,
            Host = Environment.MachineName,
        }.Save(_layout, durable: ended);
    }

    public void Dispose()
    {
        lock (_lock) _timer?.Dispose();
    }
}
