using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Proxy;

/// <summary>The upstreams in effect (none when Proxy:Enabled is false), built once from validated options.</summary>
public sealed class UpstreamRegistries
{
    private readonly Dictionary<string, Upstream> _byName;

    public UpstreamRegistries(IOptions<ProxyOptions> options, TimeProvider time)
    {
        All = options.Value.EffectiveUpstreams().Select(u => new Upstream(UpstreamDefinition.From(u.Key, u.Value), time)).ToList();
        _byName = All.ToDictionary(u => u.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<Upstream> All { get; }

    public Upstream? Find(string name) => _byName.GetValueOrDefault(name);
}
