namespace GhostCrate.Mirror.Toolchains;

/// <summary>
/// Which parts of a release to mirror, in the terms rustup users know:
/// <list type="bullet">
/// <item><see cref="Hosts"/>: the platforms rustup runs on; each gets the components of <see cref="Profile"/> plus
/// <see cref="Components"/>, chosen the way rustup chooses them: only what `pkg.rust.target.HOST` lists as a component
/// or extension, for that host or for `*` (rustup `src/dist/manifestation.rs`), so `rust-mingw` only for windows-gnu
/// hosts;</item>
/// <item><see cref="CrossTargets"/>: targets `rustup target add` installs (their `rust-std` only, as romt `--cross`);</item>
/// <item><c>*</c> in either list means every target the manifest has; component names may use old names (`clippy`),
/// resolved through `[renames]`.</item>
/// </list>
/// </summary>
public sealed record ToolchainSelection
{
    public const string All = "*";

    public IReadOnlyList<string> Hosts { get; init; } = [];
    public IReadOnlyList<string> CrossTargets { get; init; } = [];

    /// <summary>`minimal`, `default`, `complete` (any profile the manifest defines), or null for none.</summary>
    public string? Profile { get; init; } = "default";

    /// <summary>Extra components for every host (`rust-src`, `clippy`), or `*` for every component the host lists.</summary>
    public IReadOnlyList<string> Components { get; init; } = [];

    /// <summary>The archives to mirror, one per published format, ordered by path.</summary>
    /// <exception cref="MirrorException">An unknown host, profile or component (a typo must not mirror nothing quietly).</exception>
    public IReadOnlyList<ToolchainFile> Select(ChannelManifest manifest)
    {
        var rust = manifest.Packages.GetValueOrDefault("rust") ?? throw new MirrorException("the channel manifest has no `rust` package");
        var chosen = new SortedSet<(string Pkg, string Target)>();

        var hosts = Hosts.Contains(All) ? rust.Targets.Keys.Where(t => t != All).ToList() : Hosts.ToList();
        var wanted = new List<string>();
        if (Profile is not null)
        {
            wanted.AddRange(manifest.Profiles.GetValueOrDefault(Profile)
                ?? throw new MirrorException($"the manifest has no profile `{Profile}` (it has {string.Join(", ", manifest.Profiles.Keys)})"));
        }
        var everyComponent = Components.Contains(All);
        foreach (var component in Components.Where(c => c != All))
        {
            var name = manifest.Renames.GetValueOrDefault(component) ?? component;
            if (!manifest.Packages.ContainsKey(name)) throw new MirrorException($"the manifest has no component `{component}`");
            wanted.Add(name);
        }
        foreach (var host in hosts)
        {
            if (!rust.Targets.TryGetValue(host, out var hostTarget) || host == All)
                throw new MirrorException($"`{host}` is not a host in this manifest (pkg.rust.target has no such target)");
            foreach (var reference in hostTarget.Components.Concat(hostTarget.Extensions))
            {
                if (reference.Target != host && reference.Target != All) continue;
                if (everyComponent || wanted.Contains(reference.Pkg)) chosen.Add((reference.Pkg, reference.Target));
            }
        }

        var std = manifest.Packages.GetValueOrDefault("rust-std");
        var crosses = CrossTargets.Contains(All) ? std?.Targets.Keys.ToList() ?? [] : CrossTargets.ToList();
        foreach (var cross in crosses)
        {
            if (std is null || !std.Targets.ContainsKey(cross)) throw new MirrorException($"`{cross}` is not a target of rust-std in this manifest");
            chosen.Add(("rust-std", cross));
        }

        var files = new SortedDictionary<string, ToolchainFile>(StringComparer.Ordinal);
        foreach (var (pkg, target) in chosen)
        {
            // A listed component whose package entry is missing or unavailable: rustup skips it too.
            if (!manifest.Packages.TryGetValue(pkg, out var package) || !package.Targets.TryGetValue(target, out var built) || !built.Available) continue;
            foreach (var archive in built.Archives)
            {
                var relative = DistPaths.RelativeFromUrl(archive.Url);
                // Targets may share one archive (1.95.0's rust-docs for the Linux hosts without their own docs build);
                // one path with two hashes cannot both be right.
                if (files.TryGetValue(relative, out var seen) && seen.Sha256 != archive.Sha256)
                    throw new MirrorException($"the channel manifest names {relative} with two different hashes ({pkg} for {target} and {seen.Package} for {seen.Target})");
                files.TryAdd(relative, new ToolchainFile(relative, archive.Sha256, pkg, target, archive.Format));
            }
        }
        return [.. files.Values];
    }
}

/// <summary>One archive a mirror holds: its path below the dist root (`dist/DATE/FILE`) and the manifest's SHA-256.</summary>
public sealed record ToolchainFile(string RelativePath, string Sha256, string Package, string Target, string Format);
