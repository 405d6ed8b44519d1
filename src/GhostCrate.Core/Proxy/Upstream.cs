using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Proxy;

/// <summary>
/// One configured upstream and the state this process keeps for it: counters, circuit breaker, in-flight work,
/// config.json.
/// </summary>
public sealed class Upstream(UpstreamDefinition definition, TimeProvider time, long indexMemoryBytes)
{
    public UpstreamDefinition Definition { get; } = definition;
    public string Name => Definition.Name;
    public UpstreamStats Stats { get; } = new(definition.Name);

    /// <summary>Per node: each node learns on its own that an upstream hangs (a shared state would need the database on every failure).</summary>
    public UpstreamCircuitBreaker Breaker { get; } = new(definition.CircuitBreakerFailures, definition.CircuitBreakerCoolDown, time);

    /// <summary>
    /// This node's copies of the upstream's index files, each tagged with when it was fetched (unix ms) as its change
    /// counter value: a newer fetch replaces an older copy, and a copy is served only while it is fresh
    /// (<see cref="ProxyIndexService"/>).
    /// </summary>
    internal Index.IndexFileCache IndexMemory { get; } = new(indexMemoryBytes);

    /// <summary>Index refreshes in flight, by lowercase crate name (plus a marker for forced revalidations).</summary>
    internal InFlight<string, ProxyIndexResult> IndexRefreshes { get; } = new();

    /// <summary>.crate fetches in flight, by lowercase name and version.</summary>
    internal InFlight<(string Name, string Version), ProxyDownloadOutcome> Downloads { get; } = new();

    internal InFlight<int, (RegistryConfig? Config, string? Error)> ConfigFetches { get; } = new();

    /// <summary>The last config.json read from the upstream, kept so downloads work while it is briefly unreachable.</summary>
    internal ConfigSnapshot? Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    private ConfigSnapshot? _config;
}

internal sealed record ConfigSnapshot(RegistryConfig Config, DateTimeOffset FetchedAt);
