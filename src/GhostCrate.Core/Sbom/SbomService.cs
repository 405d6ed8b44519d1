using GhostCrate.Core.Advisories;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Proxy;
using GhostCrate.Packaging;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Sbom;

/// <summary>
/// Builds software bills of materials (docs/security.md#sbom): for a published version, its resolved dependency
/// closure (<see cref="DependencyClosure"/>); for a Cargo.lock, the packages it locks. Components carry purls, the
/// SHA-256 of the .crate (the index `cksum`, the lock file's `checksum`), the licence where this registry knows it
/// (its own crates), and the RustSec advisories that affect them.
/// </summary>
public sealed class SbomService(
    IIndexFileStore index,
    IProxyCacheRepository proxyCache,
    UpstreamRegistries upstreams,
    CrateAccess access,
    ICrateRepository crates,
    AdvisoryService advisories,
    TimeProvider time)
{
    /// <summary>The version GhostCrate names itself with in the SBOM's tool list (without the commit).</summary>
    public static string ToolVersion { get; } = (System.Reflection.CustomAttributeExtensions
        .GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(SbomService).Assembly)?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    /// <summary>The document in the asked format.</summary>
    public static byte[] Render(SbomDocument document, SbomFormat format) => format == SbomFormat.CycloneDx
        ? CycloneDxWriter.Write(document, ToolVersion)
        : SpdxWriter.Write(document, ToolVersion);

    /// <summary>The version's SBOM, or an error message when its closure is too large.</summary>
    /// <param name="privateIndexUrl">This registry's index URL as cargo names it (`sparse+https://host/index/`), for purls.</param>
    public async Task<(SbomDocument? Document, string? Error)> ForVersionAsync(
        CrateRecord crate, VersionRecord version, string privateIndexUrl, Principal? caller, CancellationToken cancellationToken)
    {
        var entry = IndexLines.Parse(System.Text.Encoding.UTF8.GetBytes(version.IndexJson)).FirstOrDefault()
            ?? throw new InvalidOperationException($"the stored index line of {crate.Name} {version.Version} does not parse");
        var source = new SbomIndexSource(index, proxyCache, upstreams, access, crates, privateIndexUrl, caller);
        var result = await new DependencyClosure(source).ResolveAsync(source.Private, entry, cancellationToken);
        if (result.Error is not null) return (null, result.Error);

        var root = await ComponentAsync(result.Root, cancellationToken);
        var components = new List<SbomComponent>();
        var refs = new Dictionary<string, string>(StringComparer.Ordinal) { [result.Root.Key] = root.Ref };
        foreach (var node in result.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Entry?.Vers, StringComparer.Ordinal))
        {
            var c = await ComponentAsync(node, cancellationToken);
            components.Add(c);
            refs[node.Key] = c.Ref;
        }
        var edges = result.Edges.Select(e => new SbomEdge(refs[e.Key], [.. e.Value.Select(k => refs[k])]))
            .OrderBy(e => e.From, StringComparer.Ordinal).ToList();
        var findings = await FindingsAsync([root, .. components], cancellationToken);
        return (new SbomDocument($"{crate.Name}-{version.Version}", root, components, edges, findings, time.GetUtcNow(), Guid.NewGuid()), null);
    }

    /// <summary>
    /// The SBOM of a lock file: every locked package (registry packages with purls and checksums; path and git
    /// packages named, without a purl) and the graph of its `dependencies` lists (every package gets an entry, a
    /// leaf an empty one: the lock file says it depends on nothing). Licences come from this registry when it holds
    /// the same .crate (same checksum).
    /// </summary>
    public async Task<SbomDocument> ForLockFileAsync(string name, LockFile lockFile, CancellationToken cancellationToken)
    {
        // A package listed twice (a bad merge) is one component; its edges are merged.
        var refs = new Dictionary<(string, string, string?), string>();
        var components = new List<SbomComponent>();
        foreach (var p in lockFile.Packages.DistinctBy(Key).OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal))
        {
            var component = await LockedComponentAsync(p, cancellationToken);
            components.Add(component);
            refs[Key(p)] = component.Ref;
        }
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var c in components) edges[c.Ref] = [];
        for (var i = 0; i < lockFile.Packages.Count; i++)
        {
            var targets = edges[refs[Key(lockFile.Packages[i])]];
            foreach (var to in lockFile.Dependencies[i].Select(j => refs[Key(lockFile.Packages[j])]))
            {
                if (!targets.Contains(to, StringComparer.Ordinal)) targets.Add(to);
            }
        }
        var graph = components.Select(c => new SbomEdge(c.Ref, [.. edges[c.Ref].Order(StringComparer.Ordinal)])).ToList();
        var findings = await FindingsAsync(components, cancellationToken);
        return new SbomDocument(name, null, components, graph, findings, time.GetUtcNow(), Guid.NewGuid());
    }

    private static (string, string, string?) Key(LockedPackage p) => (p.Name, p.Version, p.Source);

    private async Task<SbomComponent> LockedComponentAsync(LockedPackage p, CancellationToken cancellationToken)
    {
        if (!p.FromRegistry)
        {
            var note = p.Source is null ? "a path or workspace package" : "from " + p.Source;
            return new SbomComponent($"local:{p.Name}@{p.Version}:{p.Source}", p.Name, p.Version, null, null, null, SbomScope.Normal, Note: note, IsRegistryPackage: false);
        }
        var repository = RepositoryOf(p.Source!);
        string? license = null;
        if (p.Checksum is not null && await crates.FindVersionAsync(CrateName.Canonicalize(p.Name), p.Version, cancellationToken) is { } row
            && string.Equals(row.Checksum, p.Checksum, StringComparison.OrdinalIgnoreCase))
            license = row.License;
        var purl = SbomPurl.Cargo(p.Name, p.Version, repository);
        return new SbomComponent(purl, p.Name, p.Version, repository, p.Checksum?.ToLowerInvariant(), license, SbomScope.Normal);
    }

    private async Task<SbomComponent> ComponentAsync(ClosureNode node, CancellationToken cancellationToken)
    {
        if (node.Entry is not { } e)
        {
            return new SbomComponent($"unresolved:{node.Registry.Key}:{node.Name}@{node.Requirement}", node.Name, null, node.Registry.RepositoryUrl, null, null,
                node.Scope, node.Requirement, node.Note, node.Target);
        }
        string? license = null;
        if (node.Registry.Key == SbomIndexSource.PrivateKey)
            license = (await crates.FindVersionAsync(CrateName.Canonicalize(e.Name), e.Vers, cancellationToken))?.License;
        var purl = SbomPurl.Cargo(e.Name, e.Vers, node.Registry.RepositoryUrl);
        return new SbomComponent(purl, e.Name, e.Vers, node.Registry.RepositoryUrl, e.Cksum.ToLowerInvariant(), license, node.Scope, Target: node.Target);
    }

    private async Task<IReadOnlyList<AuditFinding>> FindingsAsync(IEnumerable<SbomComponent> components, CancellationToken cancellationToken)
    {
        // The audit matches registry packages by name and version (RustSec's rules), as `POST /api/v1/audit` does.
        var locked = components.Where(c => c.Resolved && c.IsRegistryPackage)
            .Select(c => new LockedPackage(c.Name, c.Version!, "registry+" + (c.RepositoryUrl ?? "https://github.com/rust-lang/crates.io-index"), c.Sha256))
            .DistinctBy(p => (p.Name, p.Version)).ToList();
        return await advisories.AuditAsync(locked, cancellationToken);
    }

    private static string? RepositoryOf(string source)
    {
        var url = source.StartsWith("registry+", StringComparison.Ordinal) ? source["registry+".Length..] : source;
        return Publishing.DependencyRegistries.IsCratesIo(url) ? null : url;
    }
}
