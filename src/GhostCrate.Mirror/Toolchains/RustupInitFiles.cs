using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Storage;
using GhostCrate.Storage.FileSystem;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// rustup's own binaries for the synced hosts, so that `RUSTUP_UPDATE_ROOT` can point at the mirror: `rustup self
/// update` reads `release-stable.toml` and then fetches `archive/VERSION/TRIPLE/rustup-init[.exe]`, and rustup-init.sh
/// fetches `dist/TRIPLE/rustup-init[.exe]` (rustup `src/cli/self_update.rs`, `rustup-init.sh`). Each binary must match
/// the dist server's `.sha256` before it is kept (these files have no signature upstream); the `dist/` copy is served
/// only when the dist server's own `.sha256` for it names the same bytes. A host without them is reported, not fatal:
/// toolchains install without rustup-init, and rustup users can pass `--no-self-update`.
/// </summary>
public static class RustupInitFiles
{
    private const int MaxSmallFile = 64 * 1024;

    /// <returns>Pairs of (path in the store, path served) below the dist root, each with a `.sha256` beside it in the store.</returns>
    public static async Task<List<(string Stored, string ServedAs)>> SyncAsync(CrateDownloader downloader, SmallFileFetcher fetcher, MirrorLayout layout, string server,
        string version, IReadOnlyList<string> hosts, IMirrorProgress progress, CancellationToken cancellationToken)
    {
        var files = new List<(string, string)>();
        foreach (var host in hosts.Where(h => h != ToolchainSelection.All))
        {
            var name = host.Contains("windows", StringComparison.Ordinal) ? "rustup-init.exe" : "rustup-init";
            var archive = $"rustup/archive/{version}/{host}/{name}";
            var latest = $"rustup/dist/{host}/{name}";
            if (!DistPaths.IsSafeRelative(archive)) continue;
            var sha = await fetcher.GetAsync(new Uri(server + archive + ".sha256"), MaxSmallFile, cancellationToken);
            if (sha is null || Sha256File.Parse(sha) is not { } expected)
            {
                progress.Note($"rustup-init {version} for {host}: the dist server has no (readable) {archive}.sha256; not mirrored");
                continue;
            }
            var final = ToolchainSync.Store(layout, archive);
            var outcome = await downloader.DownloadAsync(new DownloadRequest("rustup-init", host, expected, new Uri(server + archive), final,
                Path.Combine(layout.PartialDir, DistPaths.Folder, archive + ".part")), cancellationToken);
            if (!outcome.Succeeded)
            {
                progress.Note($"rustup-init {version} for {host}: {outcome.Status.ToString().ToLowerInvariant()}: {outcome.Error}; not mirrored");
                continue;
            }
            if (!File.Exists(final + ".sha256")) AtomicFile.Write(layout, final + ".sha256", Sha256File.Render(expected, name));
            files.Add((archive, archive));
            var latestSha = await fetcher.GetAsync(new Uri(server + latest + ".sha256"), MaxSmallFile, cancellationToken);
            if (latestSha is not null && Sha256File.Parse(latestSha) == expected) files.Add((archive, latest));
            else progress.Note($"rustup-init for {host}: {latest} upstream is not rustup {version}; only {archive} is served");
        }
        return files;
    }

    /// <summary>Hard-links a stored binary and its .sha256 into the staged generation, replacing what an older sync linked there.</summary>
    public static void Link(MirrorLayout layout, string servedTree, string stored, string servedAs)
    {
        var source = ToolchainSync.Store(layout, stored);
        var target = ToolchainTree.Full(servedTree, servedAs);
        foreach (var (from, to) in new[] { (source, target), (source + ".sha256", target + ".sha256") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (File.Exists(to)) File.Delete(to);
            if (LinuxNative.TryLink(from, to) != LinkResult.Linked) File.Copy(from, to);
        }
    }
}
