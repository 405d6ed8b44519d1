using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Publishing;
using GhostCrate.Protocol.Crates;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Sbom;

/// <summary>
/// The indexes a dependency closure is resolved against, read without any network request: this registry's stored
/// index files (what cargo reads from it, through the same store the change feed follows), and the proxy's cached
/// index files for dependencies on crates.io or another configured upstream. A dependency on a registry that is
/// neither, or on an upstream file the proxy has never fetched, stays unresolved and says so.
/// </summary>
public sealed class SbomIndexSource(
    IIndexFileStore index,
    IProxyCacheRepository proxyCache,
    UpstreamRegistries upstreams,
    CrateAccess access,
    ICrateRepository crates,
    string privateIndexUrl,
    Principal? caller) : ISbomIndexSource
{
    public const string PrivateKey = "private";

    public SbomRegistry Private { get; } = new(PrivateKey, privateIndexUrl, true);

    public async Task<IReadOnlyList<IndexEntry>?> EntriesAsync(SbomRegistry registry, string name, CancellationToken cancellationToken)
    {
        if (registry.Key == PrivateKey)
        {
            var file = await index.FindAsync(CrateName.Canonicalize(name), cancellationToken);
            // The canonical key also answers for the other spelling ('-' vs '_'); cargo asks for the exact one.
            return file is null || !file.Name.Equals(name, StringComparison.OrdinalIgnoreCase) ? null : IndexLines.Parse(file.Content);
        }
        var cached = await proxyCache.FindIndexFileAsync(registry.Key, name.ToLowerInvariant(), cancellationToken);
        return cached is null ? null : IndexLines.Parse(cached.Content);
    }

    public SbomRegistry RegistryOf(string? registryField, SbomRegistry declaringRegistry)
    {
        if (registryField is null) return declaringRegistry;
        if (DependencyRegistries.IsCratesIo(registryField))
        {
            return upstreams.Find(Options.ProxyOptions.CratesIo) is { } cratesIo
                ? new SbomRegistry(cratesIo.Name, null, true)
                : new SbomRegistry("crates.io", null, false, "crates.io is not proxied by this registry, so its index is not read");
        }
        var wanted = Normalize(registryField);
        if (Normalize(privateIndexUrl) == wanted) return Private;
        foreach (var u in upstreams.All)
            if (Normalize(u.Definition.IndexUrl.ToString()) == wanted) return new SbomRegistry(u.Name, u.Definition.IndexUrl.ToString(), true);
        return new SbomRegistry(registryField, registryField, false, "its registry is not proxied by this registry, so its index is not read");
    }

    public async ValueTask<bool> CanReadAsync(SbomRegistry registry, string name, CancellationToken cancellationToken)
    {
        if (registry.Key != PrivateKey) return true;
        var crate = await crates.FindAsync(CrateName.Canonicalize(name), cancellationToken);
        return crate is null || await access.CanReadAsync(crate, caller, cancellationToken);
    }

    private static string Normalize(string url)
    {
        var u = url.Trim();
        if (u.StartsWith("sparse+", StringComparison.OrdinalIgnoreCase)) u = u["sparse+".Length..];
        if (u.StartsWith("registry+", StringComparison.OrdinalIgnoreCase)) u = u["registry+".Length..];
        return u.TrimEnd('/').ToLowerInvariant();
    }
}
