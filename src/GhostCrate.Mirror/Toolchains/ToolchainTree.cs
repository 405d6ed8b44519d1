using System.Security.Cryptography;
using GhostCrate.Mirror.Bundles;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// The served toolchain tree of one generation (`GEN/toolchains/`), as bundles, `mirror verify` and `mirror diff` see
/// it. Two kinds of file live there: archives (`dist/DATE/FILE` and their `.sha256`), immutable once verified and hard
/// links to the store (`DIR/toolchains/`), and metadata (channel manifests with their `.sha256` and `.asc`,
/// `rustup/...`), which a later sync may replace.
/// </summary>
public static class ToolchainTree
{
    /// <summary>Prefix of toolchain paths in bundles and marks: `toolchains/dist/...`.</summary>
    public const string BundlePrefix = DistPaths.Folder + "/";

    /// <summary>The toolchain tree of the generation whose index folder is <paramref name="indexDir"/> (a pinned reader's).</summary>
    public static string OfGeneration(string indexDir) => Path.Combine(Path.GetDirectoryName(indexDir)!, DistPaths.Folder);

    /// <summary>`dist/DATE/FILE` that is not a channel manifest: a component archive (or its `.sha256` when <paramref name="sidecar"/>).</summary>
    public static bool IsArchive(string relative, bool sidecar = false)
    {
        var segments = relative.Split('/');
        if (segments.Length != 3 || segments[0] != "dist" || segments[2].StartsWith("channel-rust-", StringComparison.Ordinal)) return false;
        return sidecar == segments[2].EndsWith(".sha256", StringComparison.Ordinal);
    }

    /// <summary>
    /// rustup's own binaries (or their `.sha256`): `rustup/archive/VERSION/TRIPLE/rustup-init[.exe]`, which self-update
    /// fetches, and `rustup/dist/TRIPLE/rustup-init[.exe]`, the latest, which rustup-init.sh fetches (rustup
    /// `src/cli/self_update.rs`, `rustup-init.sh`).
    /// </summary>
    public static bool IsRustupInit(string relative, bool sidecar = false)
    {
        var segments = relative.Split('/');
        var shaped = segments is ["rustup", "archive", _, _, _] or ["rustup", "dist", _, _];
        return shaped && sidecar == relative.EndsWith(".sha256", StringComparison.Ordinal);
    }

    /// <summary>A file that must match a `.sha256` beside it: a component archive or a rustup binary.</summary>
    public static bool IsHashed(string relative, bool sidecar = false) => IsArchive(relative, sidecar) || IsRustupInit(relative, sidecar);

    /// <summary>Archives, versioned rustup binaries, and their `.sha256`: immutable by path, so marks record their size only.</summary>
    public static bool IsImmutable(string relative) =>
        IsArchive(relative) || IsArchive(relative, sidecar: true) || relative.StartsWith("rustup/archive/", StringComparison.Ordinal);

    /// <summary>`channel-rust-*.toml` anywhere below `dist/`.</summary>
    public static bool IsManifest(string relative) =>
        relative.StartsWith("dist/", StringComparison.Ordinal) && Path.GetFileName(relative) is var name
        && name.StartsWith("channel-rust-", StringComparison.Ordinal) && name.EndsWith(".toml", StringComparison.Ordinal);

    /// <summary>Every file of a tree as (path below the tree, full path), in sorted walk order (<see cref="Bundles.PathOrder"/>).</summary>
    public static IEnumerable<(string Relative, string Full)> Enumerate(string tree)
    {
        if (!Directory.Exists(tree)) yield break;
        foreach (var file in ServedIndex.Walk(tree)) yield return (Path.GetRelativePath(tree, file).Replace(Path.DirectorySeparatorChar, '/'), file);
    }

    /// <summary>
    /// Every file of a tree as (path below the tree, size, SHA-256), in walk order; an immutable file (an archive, a
    /// versioned rustup binary, their `.sha256`) by its size alone ("-"), since it was verified when it was accepted.
    /// Two trees with the same entries serve rustup the same bytes (marks and the sync's "nothing changed" use this).
    /// </summary>
    public static IEnumerable<MarkEntry> Describe(string tree)
    {
        foreach (var (relative, file) in Enumerate(tree))
        {
            var hash = IsImmutable(relative) ? "-" : Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
            yield return new MarkEntry(relative, new FileInfo(file).Length, hash);
        }
    }

    public static string Full(string tree, string relative) => Path.Combine(tree, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The archives a manifest names that can live in a mirror (official prefix), with the manifest's SHA-256.</summary>
    public static IEnumerable<(string Relative, string Sha256)> NamedArchives(ChannelManifest manifest)
    {
        foreach (var package in manifest.Packages.Values)
        {
            foreach (var target in package.Targets.Values)
            {
                foreach (var archive in target.Archives)
                {
                    if (!archive.Url.StartsWith(DistPaths.OfficialServer + "/", StringComparison.Ordinal)) continue;
                    var relative = archive.Url[(DistPaths.OfficialServer.Length + 1)..];
                    if (DistPaths.IsSafeRelative(relative)) yield return (relative, archive.Sha256);
                }
            }
        }
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
