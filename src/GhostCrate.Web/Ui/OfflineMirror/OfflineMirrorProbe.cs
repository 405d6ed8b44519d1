using GhostCrate.Core.Operations;
using GhostCrate.Mirror.Storage;
using GhostCrate.Web.Ui;

namespace GhostCrate.Web.Ui.OfflineMirror;

/// <summary>
/// The offline mirror on the admin overview: healthy while its served index can be read. The sync's state is told in
/// the detail but never makes it unhealthy: a failed or dead sync leaves the previous index served, complete and
/// consistent (/admin/mirror has the details).
/// </summary>
public sealed class OfflineMirrorProbe(OfflineMirrorStatusService status) : IDependencyProbe
{
    public string Name => "Offline mirror";

    public bool Required => false;

    public Task<ProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        var mirror = status.Get().FirstOrDefault();
        if (mirror is null) return Task.FromResult(ProbeResult.Ok("not configured"));
        var indexDir = new MirrorLayout(mirror.Directory).PinnedIndexDir();
        if (!Directory.Exists(indexDir)) return Task.FromResult(ProbeResult.Failed($"served at {mirror.MountPath}, but {indexDir} is missing"));
        // Reading one listing proves the directory is mounted and readable by this process.
        _ = Directory.EnumerateFileSystemEntries(indexDir).Take(1).Count();
        var s = mirror.Sync;
        var sync = mirror.State switch
        {
            "never" => "no sync recorded",
            "running" => $"sync running: {Format.Count(s!.FilesDone)} of {Format.Count(s.FilesQueued)} files",
            "stale" => $"sync stopped without finishing (no heartbeat for {Format.Duration(mirror.HeartbeatAge!.Value)})",
            _ => $"last sync {mirror.State} at {Format.DateTime(s!.FinishedAt ?? s.UpdatedAt)}",
        };
        return Task.FromResult(ProbeResult.Ok($"served at {mirror.MountPath}; {sync}"));
    }
}
