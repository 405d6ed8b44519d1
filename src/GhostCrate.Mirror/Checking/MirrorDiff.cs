using GhostCrate.Mirror.Storage;
using GhostCrate.Mirror.Toolchains;

namespace GhostCrate.Mirror.Checking;

public sealed record DiffCounts(long Missing, long Extra, long Yanked);

/// <summary>
/// `mirror diff`: the served index against the files, one line each, sorted: `missing NAME VERSION` (listed, no file),
/// `extra PATH` (a file no served line refers to), `yanked NAME VERSION` (listed as yanked); then the toolchains the
/// same way (`missing toolchains/PATH`, `extra toolchains/PATH`). Streams crate by crate,
/// so a full crates.io mirror is compared without holding its 1.6 million versions in memory.
/// </summary>
public static class MirrorDiff
{
    public static async Task<DiffCounts> RunAsync(MirrorLayout layout, TextWriter output, CancellationToken cancellationToken)
    {
        long missing = 0, extra = 0, yanked = 0;
        var served = new ServedIndex(layout);
        foreach (var name in served.EnumerateNames())
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var line in served.Read(name) ?? [])
            {
                if (!File.Exists(layout.CrateFile(line.Entry.Name, line.Entry.Vers)))
                {
                    missing++;
                    await output.WriteLineAsync($"missing {line.Entry.Name} {line.Entry.Vers}");
                }
                if (line.Entry.Yanked)
                {
                    yanked++;
                    await output.WriteLineAsync($"yanked {line.Entry.Name} {line.Entry.Vers}");
                }
            }
        }

        if (Directory.Exists(layout.CratesDir))
        {
            var crateDirs = Directory.GetDirectories(layout.CratesDir);
            Array.Sort(crateDirs, StringComparer.Ordinal);
            foreach (var dir in crateDirs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetFileName(dir);
                var expected = name.All(Protocol.Crates.CrateName.IsNameChar) && name.Length > 0
                    ? (served.Read(name) ?? []).Select(l => Path.GetFileName(layout.CrateFile(l.Entry.Name, l.Entry.Vers))).ToHashSet(StringComparer.Ordinal)
                    : [];
                var files = Directory.GetFiles(dir);
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var file in files.Where(f => !expected.Contains(Path.GetFileName(f))))
                {
                    extra++;
                    await output.WriteLineAsync($"extra {layout.Relative(file)}");
                }
            }
        }
        var (toolchainMissing, toolchainExtra) = await ToolchainsAsync(layout, served, output, cancellationToken);
        return new DiffCounts(missing + toolchainMissing, extra + toolchainExtra, yanked);
    }

    /// <summary>
    /// The served toolchain tree against the archive store: `missing toolchains/PATH` (its .sha256 is served, the archive
    /// is not), `extra toolchains/PATH` (a stored archive no served manifest's tree links, e.g. after retention).
    /// </summary>
    private static async Task<(long Missing, long Extra)> ToolchainsAsync(MirrorLayout layout, ServedIndex served, TextWriter output, CancellationToken cancellationToken)
    {
        if (!layout.HasGenerations) return (0, 0);
        long missing = 0, extra = 0;
        var tree = ToolchainTree.OfGeneration(served.Directory);
        var servedFiles = ToolchainTree.Enumerate(tree).Select(f => f.Relative).ToHashSet(StringComparer.Ordinal);
        foreach (var sidecar in servedFiles.Where(f => ToolchainTree.IsHashed(f, sidecar: true)).Order(StringComparer.Ordinal))
        {
            var archive = sidecar[..^".sha256".Length];
            if (servedFiles.Contains(archive)) continue;
            missing++;
            await output.WriteLineAsync($"missing {ToolchainTree.BundlePrefix}{archive}");
        }
        foreach (var (relative, _) in ToolchainTree.Enumerate(layout.ToolchainStoreDir))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!ToolchainTree.IsHashed(relative) || servedFiles.Contains(relative)) continue;
            extra++;
            await output.WriteLineAsync($"extra {ToolchainTree.BundlePrefix}{relative}");
        }
        return (missing, extra);
    }
}
