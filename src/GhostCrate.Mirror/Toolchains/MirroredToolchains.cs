using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Toolchains;

/// <summary>One channel the served generation answers (`dist/channel-rust-NAME.toml`), as the /toolchains page lists it.</summary>
/// <param name="Hosts">Triples whose compiler (`rustc`) is mirrored: what `rustup toolchain install` can install on.</param>
/// <param name="Targets">Triples whose standard library (`rust-std`) is mirrored: what `rustup target add` can add.</param>
/// <param name="Components">Packages with at least one mirrored archive.</param>
/// <param name="Bytes">The mirrored archives this manifest names, each counted once.</param>
public sealed record MirroredToolchain(string Channel, string? Version, string Date, IReadOnlyList<string> Hosts, IReadOnlyList<string> Targets,
    IReadOnlyList<string> Components, long Bytes);

/// <summary>Reads the served generation's undated channel manifests and what of each is present on disk.</summary>
public static class MirroredToolchains
{
    private const string Prefix = "channel-rust-";

    public static IReadOnlyList<MirroredToolchain> List(MirrorLayout layout)
    {
        // One resolution of `current`: a sync switching generations meanwhile never mixes two states in one listing.
        if (layout.PinnedToolchainsDir() is not { } tree) return [];
        var dist = Path.Combine(tree, "dist");
        if (!Directory.Exists(dist)) return [];
        var result = new List<MirroredToolchain>();
        foreach (var file in Directory.EnumerateFiles(dist, Prefix + "*.toml"))
        {
            var name = Path.GetFileName(file);
            var channel = name[Prefix.Length..^".toml".Length];
            ChannelManifest manifest;
            try
            {
                manifest = ChannelManifest.Parse(File.ReadAllBytes(file));
            }
            catch (MirrorException)
            {
                continue; // a sync checks every manifest before serving it; a damaged one is `mirror verify`'s to report
            }
            result.Add(Describe(channel, manifest, tree));
        }
        return result.OrderBy(t => Rank(t.Channel)).ThenByDescending(t => t.Date, StringComparer.Ordinal).ThenBy(t => t.Channel, StringComparer.Ordinal).ToList();
    }

    private static MirroredToolchain Describe(string channel, ChannelManifest manifest, string tree)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var components = new SortedSet<string>(StringComparer.Ordinal);
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        var targets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var package in manifest.Packages.Values)
        {
            foreach (var (triple, target) in package.Targets)
            {
                var present = false;
                foreach (var archive in target.Archives)
                {
                    if (!archive.Url.StartsWith(DistPaths.OfficialServer + "/", StringComparison.Ordinal)) continue;
                    var relative = archive.Url[(DistPaths.OfficialServer.Length + 1)..];
                    if (!DistPaths.IsSafeRelative(relative)) continue;
                    var info = new FileInfo(ToolchainTree.Full(tree, relative));
                    if (!info.Exists) continue;
                    present = true;
                    sizes[relative] = info.Length;
                }
                if (!present) continue;
                components.Add(package.Name);
                if (package.Name == "rustc") hosts.Add(triple);
                if (package.Name == "rust-std") targets.Add(triple);
            }
        }
        return new MirroredToolchain(channel, manifest.RustVersion, manifest.Date, [.. hosts], [.. targets], [.. components], sizes.Values.Sum());
    }

    /// <summary>stable, beta, nightly first (what most users install), then versions and dated names.</summary>
    private static int Rank(string channel) => channel switch
    {
        "stable" => 0,
        "beta" => 1,
        "nightly" => 2,
        _ => 3,
    };
}
