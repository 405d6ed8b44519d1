using System.Text;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Sync;

/// <summary>The `dl` template the last sync used, kept so `mirror verify --repair` can fetch without re-reading the upstream index.</summary>
public static class UpstreamDownloadTemplate
{
    private static string PathOf(MirrorLayout layout) => Path.Combine(layout.StateDir, "upstream-dl");

    public static void Save(MirrorLayout layout, string dl) => AtomicFile.Write(layout, PathOf(layout), Encoding.UTF8.GetBytes(dl));

    public static string? Load(MirrorLayout layout) => File.Exists(PathOf(layout)) ? File.ReadAllText(PathOf(layout)).Trim() : null;
}
