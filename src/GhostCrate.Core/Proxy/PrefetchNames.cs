using System.Text;
using System.Text.Json;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// Which index files cargo will most likely ask for after reading one (<see cref="ProxyIndexPrefetch"/>): the crates
/// the newest versions of it depend on. What is picked, and why:
/// <list type="bullet">
/// <item>the newest non-yanked version of each of the <see cref="Lines"/> newest semver-compatible lines (1.x, 0.3.x,
/// 0.0.4: https://doc.rust-lang.org/cargo/reference/semver.html), pre-releases only where a line has no release:
/// cargo picks the newest version a requirement allows, and most requirements allow the newest of their line;</item>
/// <item>normal and build dependencies, of every target (cargo's lock file covers every platform:
/// https://doc.rust-lang.org/cargo/reference/resolver.html#other-constraints), by their real name (`package`);</item>
/// <item>optional dependencies only when the `default` feature turns them on, as it does unless a dependent says
/// `default-features = false`: cargo does not look up an optional dependency no feature enables;</item>
/// <item>not dev dependencies (cargo never resolves a dependency's dev-dependencies) nor dependencies on another
/// registry (`registry` set: not this upstream's).</item>
/// </list>
/// A wrong guess costs one upstream request and a cached file nobody asked for; a missed one costs what it costs today.
/// </summary>
public static class PrefetchNames
{
    internal const int Lines = 3;

    /// <summary>Lowercase crate names, each once, in no particular order.</summary>
    public static IReadOnlyCollection<string> Of(ReadOnlySpan<byte> indexFile)
    {
        // Only `vers` and `yanked` of every line are read (IndexLineVersions); the few lines picked are then read whole.
        var newestPerLine = new Dictionary<(ulong, ulong, ulong), (SemVersion Version, int Start, int Length)>();
        var start = 0;
        while (start < indexFile.Length)
        {
            var end = indexFile[start..].IndexOf((byte)'\n');
            var length = end < 0 ? indexFile.Length - start : end;
            if (IndexLineVersions.Unyanked(indexFile.Slice(start, length)) is { } version)
            {
                var line = version.Major > 0 ? (version.Major, 0UL, 0UL) : version.Minor > 0 ? (0UL, version.Minor, 0UL) : (0UL, 0UL, version.Patch);
                if (!newestPerLine.TryGetValue(line, out var best) || Prefer(version, best.Version)) newestPerLine[line] = (version, start, length);
            }
            start += length + 1;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, lineStart, lineLength) in newestPerLine.Values.OrderByDescending(v => v.Version).Take(Lines))
        {
            if (!IndexLineWriter.TryDeserialize(Encoding.UTF8.GetString(indexFile.Slice(lineStart, lineLength)), out var entry)) continue;
            var enabled = OptionalDependenciesOnByDefault(entry);
            foreach (var dep in entry.Deps)
            {
                if (dep.Kind == "dev" || dep.Registry is not null) continue;
                if (dep.Optional && !enabled.Contains(dep.Name)) continue;
                names.Add((dep.Package ?? dep.Name).ToLowerInvariant());
            }
        }
        return names;
    }

    /// <summary>A release beats a pre-release of the same line whatever their order; otherwise the higher version wins.</summary>
    private static bool Prefer(SemVersion candidate, SemVersion current) =>
        candidate.IsPrerelease != current.IsPrerelease ? !candidate.IsPrerelease : candidate > current;

    /// <summary>
    /// The optional dependencies (by the name the features use) that the `default` feature turns on, following features
    /// that turn on other features (https://doc.rust-lang.org/cargo/reference/features.html#dependency-features).
    /// </summary>
    private static HashSet<string> OptionalDependenciesOnByDefault(IndexEntry entry)
    {
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push("default");
        while (pending.TryPop(out var feature))
        {
            if (!seen.Add(feature)) continue;
            foreach (var value in FeatureValues(entry, feature))
            {
                if (value.StartsWith("dep:", StringComparison.Ordinal)) enabled.Add(value[4..]);
                else if (value.IndexOf('/') is var slash and > 0)
                {
                    // "dep/feature" turns the dependency on; "dep?/feature" only reaches it when something else does.
                    if (value[slash - 1] != '?') enabled.Add(value[..slash]);
                }
                else
                {
                    // A plain name is a feature or, without `dep:` elsewhere, the implicit feature of an optional dependency.
                    enabled.Add(value);
                    pending.Push(value);
                }
            }
        }
        return enabled;
    }

    private static IEnumerable<string> FeatureValues(IndexEntry entry, string feature)
    {
        if (entry.Features.TryGetValue(feature, out var values)) foreach (var v in values) yield return v;
        if (entry.Features2 is { } more && more.TryGetValue(feature, out var values2)) foreach (var v in values2) yield return v;
    }
}
