using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>A stable release that retention took out of the served tree.</summary>
public sealed record RemovedRelease(string Version, string Date);

/// <summary>
/// "Keep the last N stable releases" (`toolchain sync --keep-stable N`), applied to a staged generation's toolchain
/// tree before it is switched to. A stable release is a dated `dist/DATE/channel-rust-X.Y.Z.toml`; for each one past
/// the N highest versions, the names that still point at it (`channel-rust-X.Y.Z.toml`, `X.Y` and `stable`, dated and
/// undated, each with `.sha256` and `.asc`) leave the tree, and so do the archives no remaining manifest names (beta
/// and nightly releases keep theirs, even in the same date folder). rustup's `target add` and `component add` read
/// the installed release's dated manifest (PROTOCOL-NOTES), so a kept release keeps all of its dated files.
/// </summary>
public static partial class ToolchainRetention
{
    /// <returns>The releases removed and the archive paths (below the dist root) no longer served.</returns>
    public static (IReadOnlyList<RemovedRelease> Releases, IReadOnlyList<string> Archives) Apply(string tree, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var releases = new List<(Version Version, string Text, string Date, byte[] Hash)>();
        var dist = Path.Combine(tree, "dist");
        if (!Directory.Exists(dist)) return ([], []);
        foreach (var folder in Directory.GetDirectories(dist))
        {
            var date = Path.GetFileName(folder);
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) continue;
            foreach (var file in Directory.GetFiles(folder, "channel-rust-*.toml"))
            {
                var match = StableManifest().Match(Path.GetFileName(file));
                if (match.Success && Version.TryParse(match.Groups["v"].Value, out var version))
                    releases.Add((version, match.Groups["v"].Value, date, SHA256.HashData(File.ReadAllBytes(file))));
            }
        }
        var dropped = releases.OrderByDescending(r => r.Version).Skip(keep).ToList();
        if (dropped.Count == 0) return ([], []);

        foreach (var release in dropped)
        {
            var minor = $"{release.Version.Major}.{release.Version.Minor}";
            foreach (var name in new[] { release.Text, minor, "stable" })
            {
                foreach (var manifest in new[] { Path.Combine(dist, release.Date, DistPaths.ManifestName(name)), Path.Combine(dist, DistPaths.ManifestName(name)) })
                {
                    // Only a name that still points at this release: `stable` and `X.Y` may have moved on.
                    if (File.Exists(manifest) && SHA256.HashData(File.ReadAllBytes(manifest)).AsSpan().SequenceEqual(release.Hash))
                    {
                        foreach (var suffix in new[] { "", ".sha256", ".asc" }) File.Delete(manifest + suffix);
                    }
                }
            }
        }

        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (relative, full) in ToolchainTree.Enumerate(tree).Where(f => ToolchainTree.IsManifest(f.Relative)))
        {
            try
            {
                foreach (var (archive, _) in ToolchainTree.NamedArchives(ChannelManifest.Parse(File.ReadAllBytes(full)))) named.Add(archive);
            }
            catch (MirrorException ex)
            {
                // Retention must not delete what a manifest it cannot read may still need.
                throw new MirrorException($"retention stopped: {relative} cannot be read ({ex.Message})");
            }
        }
        var removed = new List<string>();
        foreach (var (relative, full) in ToolchainTree.Enumerate(tree).Where(f => ToolchainTree.IsArchive(f.Relative)).ToList())
        {
            if (named.Contains(relative)) continue;
            File.Delete(full);
            File.Delete(full + ".sha256");
            removed.Add(relative);
        }
        foreach (var folder in Directory.GetDirectories(dist).Where(d => Directory.GetFileSystemEntries(d).Length == 0)) Directory.Delete(folder);
        return (dropped.Select(r => new RemovedRelease(r.Text, r.Date)).OrderBy(r => Version.Parse(r.Version)).ToList(), removed);
    }

    [GeneratedRegex(@"^channel-rust-(?<v>[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4})\.toml$")]
    private static partial Regex StableManifest();
}
