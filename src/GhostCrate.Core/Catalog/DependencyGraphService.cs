using System.Text.Json;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Publishing;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Catalog;

/// <summary>
/// The dependency graph of one version, resolved the way a fresh `cargo generate-lockfile` would pick within this
/// registry: each requirement goes to the newest non-yanked version that matches it. Dev-dependencies count only for
/// the root (cargo ignores them for dependencies). Crates from crates.io or other registries are leaves. Built from the
/// index lines, the same data cargo resolves from.
/// </summary>
public sealed class DependencyGraphService(ICrateRepository crates, CrateAccess access, CrateVisibility visibility)
{
    public const int DefaultMaxNodes = 150;
    public const int DefaultMaxDepth = 6;

    /// <summary>Null when the crate or version does not exist or is hidden from <paramref name="viewer"/>; hidden dependencies are not expanded.</summary>
    public async Task<DependencyGraph?> GetAsync(string name, string? version, Principal? viewer, CancellationToken cancellationToken, int maxNodes = DefaultMaxNodes, int maxDepth = DefaultMaxDepth)
    {
        if (!await access.CanReadAsync(name, viewer, cancellationToken)) return null;
        var hidden = await visibility.HiddenAsync(viewer, cancellationToken);
        var cache = new Dictionary<string, IReadOnlyList<IndexLine>?>(StringComparer.Ordinal);
        var rootLines = await LinesAsync(name, cache, cancellationToken);
        if (rootLines is null || rootLines.Count == 0) return null;
        var root = version is null
            ? rootLines.Where(l => !l.Yanked).MaxBy(l => l.Version) ?? rootLines.MaxBy(l => l.Version)!
            : rootLines.FirstOrDefault(l => l.Entry.Vers == version);
        if (root is null) return null;

        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        var edges = new List<GraphEdge>();
        var truncated = false;
        var rootId = NodeId(root.Entry.Name, root.Entry.Vers);
        nodes[rootId] = new GraphNode(rootId, root.Entry.Name, root.Entry.Vers, DependencySource.ThisRegistry, 0, root.Yanked, Unresolved: false);
        var queue = new Queue<(IndexLine Line, int Depth)>();
        queue.Enqueue((root, 0));
        while (queue.Count > 0)
        {
            var (line, depth) = queue.Dequeue();
            var fromId = NodeId(line.Entry.Name, line.Entry.Vers);
            foreach (var dep in line.Entry.Deps.OrderBy(d => d.Package ?? d.Name, StringComparer.Ordinal))
            {
                if (dep.Kind == "dev" && depth > 0) continue;
                var package = dep.Package ?? dep.Name;
                string toId;
                if (dep.Registry is not null)
                {
                    var source = DependencyRegistries.IsCratesIo(dep.Registry) ? DependencySource.CratesIo : DependencySource.OtherRegistry;
                    toId = $"{(source == DependencySource.CratesIo ? "crates-io" : dep.Registry)}:{package}:{dep.Req}";
                    if (!nodes.ContainsKey(toId))
                    {
                        if (nodes.Count >= maxNodes) { truncated = true; continue; }
                        nodes[toId] = new GraphNode(toId, package, null, source, depth + 1, Yanked: false, Unresolved: false, Req: dep.Req);
                    }
                }
                else
                {
                    // A restricted crate the viewer may not read: shown unresolved, its versions stay unknown.
                    var candidates = CrateVisibility.IsHidden(hidden, package) ? null : await LinesAsync(package, cache, cancellationToken);
                    var match = Resolve(candidates, dep.Req);
                    if (match is null)
                    {
                        toId = $"missing:{package}:{dep.Req}";
                        if (!nodes.ContainsKey(toId))
                        {
                            if (nodes.Count >= maxNodes) { truncated = true; continue; }
                            nodes[toId] = new GraphNode(toId, package, null, DependencySource.ThisRegistry, depth + 1, Yanked: false, Unresolved: true, Req: dep.Req);
                        }
                    }
                    else
                    {
                        toId = NodeId(match.Entry.Name, match.Entry.Vers);
                        if (!nodes.ContainsKey(toId))
                        {
                            if (nodes.Count >= maxNodes) { truncated = true; continue; }
                            nodes[toId] = new GraphNode(toId, match.Entry.Name, match.Entry.Vers, DependencySource.ThisRegistry, depth + 1, match.Yanked, Unresolved: false);
                            if (depth + 1 < maxDepth) queue.Enqueue((match, depth + 1));
                            else if (match.Entry.Deps.Any(d => d.Kind != "dev")) truncated = true;
                        }
                    }
                }
                edges.Add(new GraphEdge(fromId, toId, dep.Req, dep.Kind, dep.Optional));
            }
        }
        var layers = GraphLayers.Compute(rootId, nodes.Keys, edges);
        return new DependencyGraph(rootId, nodes.Values.Select(n => n with { Layer = layers[n.Id] }).OrderBy(n => n.Depth).ThenBy(n => n.Name, StringComparer.Ordinal).ToList(), edges, truncated);
    }

    private static IndexLine? Resolve(IReadOnlyList<IndexLine>? candidates, string req)
    {
        if (candidates is null || !VersionReq.TryParse(req, out var parsed)) return null;
        return candidates.Where(c => !c.Yanked && parsed.Matches(c.Version)).MaxBy(c => c.Version);
    }

    private async Task<IReadOnlyList<IndexLine>?> LinesAsync(string name, Dictionary<string, IReadOnlyList<IndexLine>?> cache, CancellationToken cancellationToken)
    {
        var canonical = CrateName.Canonicalize(name);
        if (cache.TryGetValue(canonical, out var cached)) return cached;
        var source = await crates.GetIndexSourceAsync(canonical, cancellationToken);
        var lines = source?.Lines.Select(Parse).OfType<IndexLine>().ToList();
        cache[canonical] = lines;
        return lines;
    }

    private static IndexLine? Parse(IndexSourceLine line)
    {
        try
        {
            var entry = JsonSerializer.Deserialize<IndexEntry>(line.IndexJson);
            return entry is not null && SemVersion.TryParse(entry.Vers, out var version) ? new IndexLine(entry, version, line.Yanked) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string NodeId(string name, string version) => $"{name}@{version}";

    private sealed record IndexLine(IndexEntry Entry, SemVersion Version, bool Yanked);
}

/// <summary>
/// Nodes are unique by id: "name@version" for crates of this registry, "crates-io:name:req" (or
/// "registry-url:name:req") for foreign leaves, "missing:name:req" when nothing here matches the requirement.
/// <see cref="Truncated"/> says the node or depth limit cut the graph short.
/// </summary>
public sealed record DependencyGraph(string RootId, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, bool Truncated);

/// <param name="Depth">Fewest steps from the root (how far the walk went).</param>
/// <param name="Layer">Where the node is drawn: the longest path from the root (<see cref="GraphLayers"/>).</param>
public sealed record GraphNode(string Id, string Name, string? Version, DependencySource Source, int Depth, bool Yanked, bool Unresolved, string? Req = null, int Layer = 0);

public sealed record GraphEdge(string From, string To, string Req, string Kind, bool Optional);
