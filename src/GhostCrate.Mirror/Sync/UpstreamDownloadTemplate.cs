using System.Text;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Sync;

/// <summary>The `dl` template the last sync used, kept so `mirror verify --repair` can fetch without re-reading the upstream index.</summary>
public static class UpstreamDownloadTemplate
{
    private static string PathOf(MirrorLayout layout) => Path.Combine(layout.StateDir, "upstream-dl");

    /// <summary>
    /// Not flushed on its own: the sync's group syncs and its generation switch make it durable with everything else,
    /// and one lost in a crash before them reads as none (<see cref="Load"/>) until the next sync writes it again.
    /// </summary>
    public static void Save(MirrorLayout layout, string dl) => AtomicFile.Write(layout, PathOf(layout), Encoding.UTF8.GetBytes(dl), flushToDisk: false);

    public static string? Load(MirrorLayout layout) =>
        File.Exists(PathOf(layout)) && File.ReadAllText(PathOf(layout)).Trim() is { Length: > 0 } dl ? dl : null;
}
