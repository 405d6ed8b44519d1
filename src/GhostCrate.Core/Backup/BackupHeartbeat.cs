using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Backup;

/// <summary>
/// Keeps a running backup's <see cref="RunningMarker"/> fresh: written when the backup starts, renewed every
/// <see cref="RunningMarker.RenewEvery"/> by a timer of the <see cref="TimeProvider"/> and whenever a file is added and
/// a renewal is due, removed when the backup ends (committed or failed). Renewals never overlap. A failed renewal is
/// logged and retried at the next one: the marker stays live for many renewals (<see cref="RunningMarker.StaleAfter"/>).
/// </summary>
internal sealed class BackupHeartbeat : IAsyncDisposable
{
    private readonly IBackupWriter _writer;
    private readonly string? _base;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITimer? _timer;
    private DateTimeOffset _renewedAt;
    private bool _stopped;
    private bool _renewing = true;

    private BackupHeartbeat(IBackupWriter writer, string? baseId, TimeProvider time, ILogger logger)
    {
        _writer = writer;
        _base = baseId;
        _time = time;
        _logger = logger;
    }

    public static async Task<BackupHeartbeat> StartAsync(IBackupWriter writer, string? baseId, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var heartbeat = new BackupHeartbeat(writer, baseId, time, logger);
        // The first marker must be there before anything else is written: without it a prune could take the folder.
        await heartbeat.WriteAsync(cancellationToken);
        heartbeat._timer = time.CreateTimer(_ => _ = heartbeat.RenewAsync(), null, RunningMarker.RenewEvery, RunningMarker.RenewEvery);
        return heartbeat;
    }

    /// <summary>Renews when a renewal is due (called between files, so a backup renews even if its timer is starved).</summary>
    public Task RenewIfDueAsync() => _renewing && _time.GetUtcNow() - _renewedAt >= RunningMarker.RenewEvery ? RenewAsync() : Task.CompletedTask;

    private async Task RenewAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_renewing && !_stopped) await WriteAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Could not renew the running marker of a backup; retrying at the next renewal");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await _writer.WriteRunningMarkerAsync(new RunningMarker(now, _base).ToJson(), cancellationToken);
        _renewedAt = now;
    }

    /// <summary>
    /// Stops renewing (before the commit, so no renewal writes next to a manifest being written); the marker stays
    /// until <see cref="DisposeAsync"/>, so the folder never looks abandoned before its manifest is there.
    /// </summary>
    public async Task StopRenewingAsync()
    {
        if (_timer is not null) await _timer.DisposeAsync();
        await _gate.WaitAsync();
        _renewing = false;
        _gate.Release();
    }

    /// <summary>Stops renewing and removes the marker: the backup is committed (its manifest marks it) or has failed.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        await _gate.WaitAsync();
        try
        {
            if (_stopped) return;
            _stopped = true;
            await _writer.RemoveRunningMarkerAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // A stale marker only delays the folder's pruning until it is StaleAfter old.
            _logger.LogWarning(ex, "Could not remove the running marker of a backup");
        }
        finally
        {
            _gate.Release();
        }
    }
}
