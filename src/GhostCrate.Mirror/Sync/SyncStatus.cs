using System.Text.Json;
using System.Text.Json.Serialization;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Sync;

/// <summary>
/// What `mirror sync` last reported about itself (<see cref="MirrorLayout.SyncStatusFile"/>): rewritten whole and
/// atomically about once a second while it runs (the heartbeat), and once more when it ends. `ghostcrate serve`
/// reads it for the admin page; a "running" file whose <see cref="UpdatedAt"/> stopped moving means the process died.
/// </summary>
public sealed record SyncStatus
{
    /// <summary>While running: preparing, syncing, committing. At the end: complete, incomplete, failed, interrupted.</summary>
    public required string Phase { get; init; }
    public bool Running => Phase is SyncPhases.Preparing or SyncPhases.Syncing or SyncPhases.Committing;
    public long FilesQueued { get; init; }
    public long FilesDone { get; init; }
    public long FilesDownloaded { get; init; }
    public long FilesPresent { get; init; }
    public long Bytes { get; init; }
    public double BytesPerSecond { get; init; }
    public long Retries { get; init; }
    public long Failures { get; init; }
    public long IndexFilesUpdated { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? LastError { get; init; }
    public int ProcessId { get; init; }
    public string? Host { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The file is a few hundred bytes; anything much larger is not ours.</summary>
    private const long MaxBytes = 64 * 1024;

    /// <param name="durable">
    /// False for a heartbeat: it is replaced a second later, readers never see it torn (rename), and after a crash a
    /// lost one reads as no status (<see cref="Load"/>); its fsync would only stall the writer behind a busy disk.
    /// </param>
    public void Save(MirrorLayout layout, bool durable = true) =>
        AtomicFile.Write(layout, layout.SyncStatusFile, JsonSerializer.SerializeToUtf8Bytes(this, Json), flushToDisk: durable);

    /// <summary>The last status, or null when no sync wrote one (or the file is unreadable).</summary>
    public static SyncStatus? Load(MirrorLayout layout)
    {
        try
        {
            var info = new FileInfo(layout.SyncStatusFile);
            if (!info.Exists || info.Length > MaxBytes) return null;
            return JsonSerializer.Deserialize<SyncStatus>(File.ReadAllBytes(info.FullName), Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

public static class SyncPhases
{
    public const string Preparing = "preparing";
    public const string Syncing = "syncing";
    public const string Committing = "committing";
    public const string Complete = "complete";
    public const string Incomplete = "incomplete";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";
}
