using GhostCrate.Protocol.Index;
using GhostCrate.Protocol.Versioning;

namespace GhostCrate.Core.Sbom;

/// <summary>Where a package's index comes from: this registry, a proxied upstream, or a registry we cannot read.</summary>
public sealed record SbomRegistry(string Key, string? RepositoryUrl, bool Readable, string? Unreadable = null);

/// <summary>What <see cref="DependencyClosure"/> needs from the registry: index files, and which registry a dependency names.</summary>
public interface ISbomIndexSource
{
    /// <summary>The index entries of a crate in a registry, or null when that registry has no file for it here.</summary>
    Task<IReadOnlyList<IndexEntry>?> EntriesAsync(SbomRegistry registry, string name, CancellationToken cancellationToken);

    /// <summary>
    /// The registry a dependency's `registry` field names (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema):
    /// null means the registry of the package that declares it.
    /// </summary>
    SbomRegistry RegistryOf(string? registryField, SbomRegistry declaringRegistry);

    /// <summary>Whether the caller may see this crate of this registry (restricted private crates).</summary>
    ValueTask<bool> CanReadAsync(SbomRegistry registry, string name, CancellationToken cancellationToken);
}

/// <summary>One resolved package of the closure with the features it was resolved with and its direct dependencies.</summary>
public sealed record ClosureNode(SbomRegistry Registry, string Name, IndexEntry? Entry, string? Requirement, SbomScope Scope, string? Note, string? Target)
{
    public string Key => Entry is null ? $"{Registry.Key}|{Name}|{Requirement}" : $"{Registry.Key}|{Name}|{Entry.Vers}";
}

/// <summary>
/// The dependency closure a `cargo build` of one version would pull in, resolved without a lock file the way a
/// fresh `cargo generate-lockfile` would: each requirement to the newest non-yanked matching version in the index it
/// would be read from (https://doc.rust-lang.org/cargo/reference/resolver.html), with the default features and the
/// features each dependent asks for (https://doc.rust-lang.org/cargo/reference/features.html: `dep:x`, `x/f`,
/// `x?/f`, implicit features of optional dependencies). Dev-dependencies are left out (they never reach a dependent's
/// build); build-dependencies are kept and marked <see cref="SbomScope.Build"/>, as is everything only they pull in.
/// Target-specific dependencies are all kept (the platform is not known) and carry their `cfg`.
/// Versions are not unified across semver-compatible requirements (cargo would pick one where it can): the SBOM
/// may list a few more versions than a given lock file, never fewer packages.
/// </summary>
public sealed class DependencyClosure(ISbomIndexSource source)
{
    /// <summary>Bounds the work one request can cause; real closures have a few hundred packages.</summary>
    public const int MaxPackages = 5_000;

    private readonly Dictionary<(string, string), IReadOnlyList<IndexEntry>?> _indexes = [];
    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<NodeState> _pending = new();

    public sealed record Result(ClosureNode Root, IReadOnlyList<ClosureNode> Nodes, IReadOnlyDictionary<string, IReadOnlyList<string>> Edges, string? Error);

    public async Task<Result> ResolveAsync(SbomRegistry registry, IndexEntry root, CancellationToken cancellationToken)
    {
        var rootState = new NodeState(new ClosureNode(registry, root.Name, root, null, SbomScope.Normal, null, null));
        _nodes[rootState.Node.Key] = rootState;
        rootState.AddFeatures(root.AllFeatures().ContainsKey("default") ? ["default"] : []);
        _pending.Enqueue(rootState);
        while (_pending.TryDequeue(out var state))
        {
            if (_nodes.Count > MaxPackages)
                return new Result(rootState.Node, [], new Dictionary<string, IReadOnlyList<string>>(), $"the dependency closure has more than {MaxPackages} packages");
            state.Queued = false;
            await ExpandAsync(state, cancellationToken);
        }
        var edges = _nodes.Values.ToDictionary(n => n.Node.Key, n => (IReadOnlyList<string>)[.. n.Children.Order(StringComparer.Ordinal)], StringComparer.Ordinal);
        return new Result(rootState.Node, [.. _nodes.Values.Where(n => n != rootState).Select(n => n.Node)], edges, null);
    }

    private async Task ExpandAsync(NodeState state, CancellationToken cancellationToken)
    {
        var entry = state.Node.Entry!;
        var (activeOptional, depFeatures) = ActivateFeatures(entry, state.Features);
        foreach (var dep in entry.Deps)
        {
            if (dep.Kind == "dev") continue;
            if (dep.Optional && !activeOptional.Contains(dep.Name)) continue;
            var realName = dep.Package ?? dep.Name;
            var registry = source.RegistryOf(dep.Registry, state.Node.Registry);
            var scope = state.Node.Scope == SbomScope.Build || dep.Kind == "build" ? SbomScope.Build : SbomScope.Normal;
            var features = new List<string>(dep.Features);
            if (depFeatures.TryGetValue(dep.Name, out var extra)) features.AddRange(extra);

            var (resolved, note) = await ResolveAsync(registry, realName, dep.Req, cancellationToken);
            var node = new ClosureNode(registry, realName, resolved, resolved is null ? dep.Req : null, scope, note, dep.Target);
            if (!_nodes.TryGetValue(node.Key, out var child))
            {
                child = new NodeState(node);
                _nodes[node.Key] = child;
                if (resolved is not null) Enqueue(child);
            }
            else if (scope == SbomScope.Normal && child.Node.Scope == SbomScope.Build)
            {
                // Reached at run time too: it and what it pulls in are no longer build-only.
                child.Node = child.Node with { Scope = SbomScope.Normal };
                if (child.Node.Entry is not null) Enqueue(child);
            }
            if (child.Node.Target is not null && dep.Target is null) child.Node = child.Node with { Target = null };
            state.Children.Add(node.Key);
            if (resolved is null) continue;
            var wanted = dep.DefaultFeatures && resolved.AllFeatures().ContainsKey("default") ? features.Append("default") : features;
            if (child.AddFeatures(wanted)) Enqueue(child);
        }
    }

    private void Enqueue(NodeState state)
    {
        if (state.Queued) return;
        state.Queued = true;
        _pending.Enqueue(state);
    }

    private async Task<(IndexEntry? Entry, string? Note)> ResolveAsync(SbomRegistry registry, string name, string req, CancellationToken cancellationToken)
    {
        if (!registry.Readable) return (null, registry.Unreadable);
        if (!await source.CanReadAsync(registry, name, cancellationToken)) return (null, "not visible to this caller");
        var key = (registry.Key, name.ToLowerInvariant());
        if (!_indexes.TryGetValue(key, out var entries))
        {
            entries = await source.EntriesAsync(registry, name, cancellationToken);
            _indexes[key] = entries;
        }
        if (entries is null) return (null, $"no index file for `{name}` in {Describe(registry)} here");
        if (!VersionReq.TryParse(req, out var requirement)) return (null, $"the requirement `{req}` does not parse");
        IndexEntry? best = null;
        SemVersion? bestVersion = null;
        foreach (var e in entries)
        {
            if (e.Yanked || !SemVersion.TryParse(e.Vers, out var v) || !requirement.Matches(v)) continue;
            if (bestVersion is null || v > bestVersion) (best, bestVersion) = (e, v);
        }
        return best is null ? (null, $"no non-yanked version of `{name}` in {Describe(registry)} matches `{req}`") : (best, null);
    }

    private static string Describe(SbomRegistry registry) => registry.Key == SbomIndexSource.PrivateKey ? "this registry" : $"the `{registry.Key}` proxy cache";

    /// <summary>
    /// Expands enabled features to a fixpoint: which optional dependencies (by the name in Cargo.toml) are on, and
    /// which features each dependency is asked for.
    /// </summary>
    internal static (HashSet<string> ActiveOptional, Dictionary<string, List<string>> DepFeatures) ActivateFeatures(IndexEntry entry, IReadOnlySet<string> enabled)
    {
        var table = entry.AllFeatures();
        var optional = entry.Deps.Where(d => d.Optional).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        // An optional dependency is an implicit feature of its own name unless some feature names it with `dep:`.
        var explicitDeps = table.Values.SelectMany(v => v).Where(v => v.StartsWith("dep:", StringComparison.Ordinal)).Select(v => v[4..]).ToHashSet(StringComparer.Ordinal);
        var active = new HashSet<string>(StringComparer.Ordinal);
        var weak = new List<(string Dep, string Feature)>();
        var depFeatures = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var work = new Stack<string>(enabled);
        while (work.TryPop(out var feature))
        {
            if (!seen.Add(feature)) continue;
            if (table.TryGetValue(feature, out var values))
            {
                foreach (var value in values) Apply(value);
            }
            else if (optional.Contains(feature) && !explicitDeps.Contains(feature))
            {
                active.Add(feature);
            }
            else if (feature.Contains('/'))
            {
                Apply(feature);
            }
        }
        foreach (var (dep, feature) in weak)
            if (active.Contains(dep) || !optional.Contains(dep)) AddDepFeature(dep, feature);
        return (active, depFeatures);

        void Apply(string value)
        {
            if (value.StartsWith("dep:", StringComparison.Ordinal)) { active.Add(value[4..]); return; }
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) { work.Push(value); return; }
            var dep = value[..slash];
            var feature = value[(slash + 1)..];
            if (dep.EndsWith('?')) { weak.Add((dep[..^1], feature)); return; }
            if (optional.Contains(dep)) { active.Add(dep); if (!explicitDeps.Contains(dep)) work.Push(dep); }
            AddDepFeature(dep, feature);
        }

        void AddDepFeature(string dep, string feature)
        {
            if (!depFeatures.TryGetValue(dep, out var list)) depFeatures[dep] = list = [];
            list.Add(feature);
        }
    }

    private sealed class NodeState(ClosureNode node)
    {
        private readonly HashSet<string> _features = new(StringComparer.Ordinal);

        public ClosureNode Node { get; set; } = node;
        public HashSet<string> Children { get; } = new(StringComparer.Ordinal);
        public IReadOnlySet<string> Features => _features;
        public bool Queued { get; set; }

        /// <summary>True when a feature was new (the node must be expanded again).</summary>
        public bool AddFeatures(IEnumerable<string> features)
        {
            var added = false;
            foreach (var f in features) added |= _features.Add(f);
            return added;
        }
    }
}

internal static class IndexEntryFeatures
{
    /// <summary>`features` and `features2` together (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> AllFeatures(this IndexEntry entry)
    {
        if (entry.Features2 is not { Count: > 0 } extra) return entry.Features;
        var all = new Dictionary<string, IReadOnlyList<string>>(entry.Features, StringComparer.Ordinal);
        foreach (var (k, v) in extra) all[k] = all.TryGetValue(k, out var existing) ? [.. existing, .. v] : v;
        return all;
    }
}
