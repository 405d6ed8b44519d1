using System.Diagnostics.Metrics;
using GhostCrate.Core.Catalog;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Metrics;

/// <summary>
/// Gauges read when /metrics is scraped: crates, versions and users (from the database, so every node reports the
/// same), the last backup's outcome (from the backup run log in the database, whichever machine ran it), readiness (the database and storage probes the readiness endpoint checks, <see cref="DatabaseProbe"/>,
/// <see cref="BlobStoreProbe"/>) and the free and total bytes of the file store's volume. Observable instruments call
/// back synchronously, so the reads happen asynchronously just before a collection (<see cref="RefreshAsync"/>) and the
/// callbacks hand out those values; an OTLP-only export refreshes in the background instead.
/// </summary>
public sealed class ScrapeTimeGauges : IDisposable
{
    public const string MeterName = "GhostCrate.Server";
    private static int _instances;

    /// <summary>
    /// The meter name for one more server in this process: "GhostCrate.Server" for the first (the only one outside
    /// tests). Meter providers subscribe by name, so servers sharing a process (the in-process test servers) each
    /// need their own, or a scrape of one would report another's readiness and totals.
    /// </summary>
    public static string NextMeterName() => Interlocked.Increment(ref _instances) is var n && n == 1 ? MeterName : $"{MeterName}.{n}";

    /// <summary>Which meter this server's gauges are on (<see cref="NextMeterName"/>).</summary>
    public sealed record Scope(string MeterName);
    private static readonly TimeSpan BackgroundRefreshAge = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly ICrateCatalog _catalog;
    private readonly IDependencyProbe[] _readiness;
    private readonly IUserRepository _users;
    private readonly Core.Backup.IBackupRunLog _backups;
    private readonly string? _fileStorePath;
    private readonly TimeProvider _time;
    private readonly ILogger<ScrapeTimeGauges> _logger;
    private readonly Meter _meter;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot _last = Snapshot.Empty;

    private sealed record Snapshot(DateTimeOffset At, long? Crates, long? Versions, long? Users, bool Ready, long? Free, long? Total, Core.Backup.BackupRunSummary? Backups)
    {
        public static readonly Snapshot Empty = new(DateTimeOffset.MinValue, null, null, null, false, null, null, null);
    }

    public ScrapeTimeGauges(Scope scope, IMeterFactory meters, ICrateCatalog catalog, IEnumerable<IDependencyProbe> probes, IUserRepository users, Core.Backup.IBackupRunLog backups, IOptions<StorageOptions> storage, ActiveRequests active, TimeProvider time, ILogger<ScrapeTimeGauges> logger)
    {
        _catalog = catalog;
        // Readiness is what the readiness endpoint checks (database and storage); an unreachable proxy upstream is
        // served around (stale index files) and has metrics of its own.
        _readiness = [.. probes.Where(p => p is DatabaseProbe or BlobStoreProbe)];
        _users = users;
        _backups = backups;
        _fileStorePath = storage.Value.Provider == StorageProvider.FileSystem ? storage.Value.Path : null;
        _time = time;
        _logger = logger;
        _meter = meters.Create(scope.MeterName);
        _meter.CreateObservableGauge("ghostcrate_crates", () => Read(s => s.Crates), description: "Crates in the registry (read from the database at scrape time)");
        _meter.CreateObservableGauge("ghostcrate_versions", () => Read(s => s.Versions), description: "Crate versions in the registry");
        _meter.CreateObservableGauge("ghostcrate_users", () => Read(s => s.Users), description: "User accounts");
        // Named and typed as ASP.NET Core's own, which TelemetryServices drops (see ActiveRequests).
        _meter.CreateObservableUpDownCounter("http.server.active_requests", () => active.Count, unit: "{request}", description: "Requests being answered right now");
        _meter.CreateObservableGauge("ghostcrate_ready", () => Read(s => s.At == DateTimeOffset.MinValue ? null : s.Ready ? 1 : 0), description: "1 when the database answers with its schema current and the crate storage answers, else 0");
        // Never backed up reads as 0 (1970), not as no series: the no-recent-backup alert must fire on a registry that
        // was never backed up, and an absent series would keep it quiet.
        _meter.CreateObservableGauge("ghostcrate_backup_last_success_timestamp", () => ReadDouble(s => s.Backups is { } b ? Seconds(b.LastSuccessAt) : null), unit: "s",
            description: "Unix time the last successful `ghostcrate backup create` finished (0: never)");
        _meter.CreateObservableGauge("ghostcrate_backup_last_failure_timestamp", () => ReadDouble(s => s.Backups is { } b ? Seconds(b.LastFailureAt) : null), unit: "s",
            description: "Unix time the last failed `ghostcrate backup create` ended (0: never)");
        _meter.CreateObservableCounter("ghostcrate_backup_failures", () => Read(s => s.Backups?.Failures), description: "Failed `ghostcrate backup create` runs recorded in the database");
        _meter.CreateObservableGauge("ghostcrate_backup_last_success_size", () => Read(s => s.Backups?.LastSuccessBytes), unit: "By", description: "Bytes (database and crate files) of the last successful backup");
        _meter.CreateObservableGauge("ghostcrate_backup_last_success_duration", () => ReadDouble(s => s.Backups?.LastSuccessSeconds), unit: "s", description: "How long the last successful backup took");
        if (_fileStorePath is not null)
        {
            _meter.CreateObservableGauge("ghostcrate_storage_volume_free", () => Read(s => s.Free), unit: "By", description: "Bytes available to GhostCrate on the file store's volume");
            _meter.CreateObservableGauge("ghostcrate_storage_volume_size", () => Read(s => s.Total), unit: "By", description: "Total bytes of the file store's volume");
        }
    }

    /// <summary>Reads every value now (before a scrape).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var checks = await Task.WhenAll(_readiness.Select(p => HealthyAsync(p, cancellationToken)));
            var counts = await TryAsync(ct => _catalog.CountAsync(ct), cancellationToken);
            var users = await TryAsync(async ct => (long?)await _users.CountAsync(ct), cancellationToken);
            var backups = await TryAsync(ct => _backups.GetSummaryAsync(ct), cancellationToken);
            var (free, total) = Volume();
            _last = new Snapshot(_time.GetUtcNow(), counts?.Crates, counts?.Versions, users, checks.All(ok => ok), free, total, backups);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<bool> HealthyAsync(IDependencyProbe probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            return (await probe.CheckAsync(timeout.Token)).Healthy;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Readiness probe {Probe} failed (ghostcrate_ready 0)", probe.Name);
            return false;
        }
    }

    private async Task<T?> TryAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Could not read a gauge for /metrics from the database");
            return default;
        }
    }

    private (long? Free, long? Total) Volume()
    {
        if (_fileStorePath is null) return (null, null);
        try
        {
            // statvfs of the store's directory: the volume it is on, whatever its mount point.
            var drive = new DriveInfo(_fileStorePath);
            return (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _logger.LogWarning(ex, "Could not read the free space of the file store's volume");
            return (null, null);
        }
    }

    private static double Seconds(DateTimeOffset? at) => at is { } t ? t.ToUnixTimeMilliseconds() / 1000.0 : 0;

    private IEnumerable<Measurement<double>> ReadDouble(Func<Snapshot, double?> pick) =>
        Read(s => pick(s) is { } v ? BitConverter.DoubleToInt64Bits(v) : null).Select(m => new Measurement<double>(BitConverter.Int64BitsToDouble(m.Value)));

    private IEnumerable<Measurement<long>> Read(Func<Snapshot, long?> pick)
    {
        var snapshot = _last;
        if (_time.GetUtcNow() - snapshot.At > BackgroundRefreshAge && _refreshing.CurrentCount > 0)
        {
            // A push exporter (OTLP) collects without a scrape request: refresh for the next collection.
            _ = Task.Run(async () =>
            {
                try { await RefreshAsync(CancellationToken.None); }
                catch (Exception ex) { _logger.LogWarning(ex, "Refreshing the scrape-time gauges failed"); }
            });
        }
        return pick(snapshot) is { } value ? [new Measurement<long>(value)] : [];
    }

    public void Dispose()
    {
        _meter.Dispose();
        _refreshing.Dispose();
    }
}
