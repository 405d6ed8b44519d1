using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Proxy;

/// <summary>The upstreams in effect (none when Proxy:Enabled is false), built once from validated options.</summary>
public sealed class UpstreamRegistries
{
    private readonly Dictionary<string, Upstream> _byName;

    public UpstreamRegistries(IOptions<ProxyOptions> options, TimeProvider time)
    {
        All = options.Value.EffectiveUpstreams().Select(u => new Upstream(UpstreamDefinition.From(u.Key, u.Value), time, options.Value.IndexCacheMegabytes * 1024L * 1024)).ToList();
        _byName = All.ToDictionary(u => u.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<Upstream> All { get; }

    public Upstream? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The upstream mounted under this exact name (a request path's first segment), without making a string.</summary>
    public Upstream? Find(ReadOnlySpan<char> name) => _byName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var upstream) ? upstream : null;
}
