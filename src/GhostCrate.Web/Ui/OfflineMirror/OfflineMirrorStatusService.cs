using GhostCrate.Core.Options;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Sync;
using GhostCrate.Protocol.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui.OfflineMirror;

/// <summary>
/// The offline mirror served at Mirror:MountPath, as the sync process (another program) last described it in its status
/// file, plus what the served index holds. Counting the index means reading every index file (about 150,000 for all of
/// crates.io), so it runs in the background and is cached until a sync or import finishes (or ten minutes pass); the
/// page shows the last count meanwhile.
/// </summary>
public sealed class OfflineMirrorStatusService(IOptions<MirrorOptions> options, TimeProvider time, ILogger<OfflineMirrorStatusService> logger)
{
    /// <summary>The sync rewrites its status every second; this much silence means it is gone.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RecountAfter = TimeSpan.FromMinutes(10);

    private readonly object _lock = new();
    private ServedIndexCount? _count;
    private string? _countKey;
    private Task? _counting;

    public bool Configured => options.Value.Enabled;

    /// <summary>The count under way, if any (tests await it instead of polling the page).</summary>
    public Task PendingCount
    {
        get
        {
            lock (_lock) return _counting ?? Task.CompletedTask;
        }
    }

    public IReadOnlyList<OfflineMirrorStatus> Get()
    {
        if (!Configured) return [];
        var mirror = options.Value;
        var layout = new MirrorLayout(mirror.Directory!);
        var now = time.GetUtcNow();
        var sync = SyncStatus.Load(layout);
        var age = sync is null ? (TimeSpan?)null : now - sync.UpdatedAt;
        var stale = sync is { Running: true } && age > StaleAfter;
        var import = ImportState(layout);
        DateTimeOffset? imported = import is null ? null
            : DateTimeOffset.TryParse(import.Imported, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at
            : File.GetLastWriteTimeUtc(layout.ImportStateFile);
        // A finished sync, an import, or a switch to another generation (atomic import) means the index changed.
        var (served, counting) = Served(layout, $"{sync?.FinishedAt:O}|{imported:O}|{layout.CurrentGenerationDir()}", now);
        return [new OfflineMirrorStatus(mirror.MountPath, layout.Root, Upstream(layout), sync, stale, age, served, counting, LatestMark(layout), imported, import?.Mark)];
    }

    private (ServedIndexCount? Count, bool Counting) Served(MirrorLayout layout, string key, DateTimeOffset now)
    {
        lock (_lock)
        {
            var fresh = _count is not null && _countKey == key && now - _count.CountedAt < RecountAfter;
            if (!fresh && _counting is null or { IsCompleted: true })
            {
                _counting = Task.Run(() =>
                {
                    if (Count(layout) is not { } count) return;
                    lock (_lock)
                    {
                        _count = count;
                        _countKey = key;
                    }
                });
            }
            return (_count, _counting is { IsCompleted: false });
        }
    }

    private ServedIndexCount? Count(MirrorLayout layout)
    {
        long crates = 0, versions = 0;
        try
        {
            // One generation throughout: a sync or import may switch `current` while we walk.
            var indexDir = layout.PinnedIndexDir();
            if (Directory.Exists(indexDir))
            {
                foreach (var file in Directory.EnumerateFiles(indexDir, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(indexDir, file).Replace(Path.DirectorySeparatorChar, '/');
                    if (!IndexPath.TryParse(relative, out _)) continue;
                    crates++;
                    versions += Lines(file);
                }
            }
            return new ServedIndexCount(crates, versions, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A sync or import replaces files while we walk; the next request counts again.
            logger.LogWarning(ex, "Counting the offline mirror's served index failed");
            return null;
        }
    }

    private static long Lines(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            long lines = bytes.AsSpan().Count((byte)'\n');
            if (bytes.Length > 0 && bytes[^1] != (byte)'\n') lines++;
            return lines;
        }
        catch (FileNotFoundException)
        {
            return 0; // removed by a sync between listing and reading
        }
    }

    private static string? Upstream(MirrorLayout layout)
    {
        try
        {
            return File.Exists(layout.ConfigFile) ? MirrorConfigFile.Load(layout).Upstream.Index : null;
        }
        catch (Exception)
        {
            return null; // shown as unknown; `mirror sync` reports a broken mirror.json itself
        }
    }

    /// <summary>imported.json of the served generation, written by `mirror import`; null when absent or unreadable.</summary>
    private static ImportState? ImportState(MirrorLayout layout)
    {
        try
        {
            return BundleImporter.ReadState(layout);
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int LatestMark(MirrorLayout layout)
    {
        try
        {
            return MarkFile.Latest(layout);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
