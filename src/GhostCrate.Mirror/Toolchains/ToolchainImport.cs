using GhostCrate.Mirror.Storage;
using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// The toolchain part of `mirror import`: the bundle's `toolchains/...` files are checked together with the tree served
/// now (<see cref="ToolchainCheck"/>) before anything moves; then archives go to the store (`DIR/toolchains/`, as a
/// sync leaves them) and the next generation gets the manifests and hard links to the archives, exactly the shape
/// <see cref="ToolchainSync"/> builds, so the server and a later sync treat imported toolchains like synced ones.
/// </summary>
public static class ToolchainImport
{
    /// <exception cref="MirrorException">A path a mirror cannot hold, or a file that does not match its hashes.</exception>
    public static async Task CheckAsync(string staging, MirrorLayout layout, IReadOnlyList<string> removed, CancellationToken cancellationToken)
    {
        var staged = Path.Combine(staging, DistPaths.Folder);
        if (!Directory.Exists(staged)) return;
        var incoming = ToolchainTree.Enumerate(staged).ToList();
        foreach (var (relative, _) in incoming) DistPaths.CheckRelative(relative);

        var view = layout.CurrentGenerationDir() is { } generation
            ? ToolchainCheck.Files(Path.Combine(generation, DistPaths.Folder))
            : new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in removed.Where(p => p.StartsWith(ToolchainTree.BundlePrefix, StringComparison.Ordinal)))
            view.Remove(path[ToolchainTree.BundlePrefix.Length..]);
        var fromBundle = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (relative, full) in incoming)
        {
            view[relative] = full;
            fromBundle.Add(relative);
        }
        var result = await ToolchainCheck.CheckAsync(view, fromBundle.Contains, Environment.ProcessorCount, cancellationToken);
        if (result.Problems.Count > 0)
        {
            throw new MirrorException($"the bundle's toolchain files do not check out ({result.Problems.Count} problem(s)): " +
                string.Join("; ", result.Problems.Take(5).Select(p => p.Detail)) + "; nothing was imported");
        }
    }

    /// <summary>Moves the bundle's archives (and their .sha256) into the store; returns their paths below the dist root.</summary>
    public static List<string> MoveArchivesToStore(string staging, MirrorLayout layout)
    {
        var moved = new List<string>();
        foreach (var (relative, full) in ToolchainTree.Enumerate(Path.Combine(staging, DistPaths.Folder)).ToList())
        {
            if (!ToolchainTree.IsImmutable(relative)) continue;
            AtomicFile.MoveIntoPlace(full, ToolchainTree.Full(layout.ToolchainStoreDir, relative));
            moved.Add(relative);
        }
        return moved;
    }

    /// <summary>Puts the bundle's manifests and rustup files, and links to the stored archives, into the staged generation.</summary>
    public static int BuildServedTree(string staging, MirrorLayout layout, StagedGeneration next, IReadOnlyList<string> archives)
    {
        var served = next.Full(DistPaths.Folder);
        var count = 0;
        foreach (var (relative, full) in ToolchainTree.Enumerate(Path.Combine(staging, DistPaths.Folder)).ToList())
        {
            // A rename replaces the directory entry: the hard link shared with the served generation is never written through.
            AtomicFile.MoveIntoPlace(full, ToolchainTree.Full(served, relative));
            count++;
        }
        foreach (var relative in archives)
        {
            var to = ToolchainTree.Full(served, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (File.Exists(to)) File.Delete(to);
            var from = ToolchainTree.Full(layout.ToolchainStoreDir, relative);
            if (LinuxNative.TryLink(from, to) != LinkResult.Linked) File.Copy(from, to);
        }
        return count + archives.Count;
    }
}
