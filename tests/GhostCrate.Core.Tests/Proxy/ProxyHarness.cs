using GhostCrate.Core.Analytics;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>The proxy services over a scripted upstream, an in-memory cache and a manual clock.</summary>
internal sealed class ProxyHarness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public ProxyHarness(ScriptedUpstream upstream, TimeSpan? ttl = null, string? downloadUrl = null, TimeSpan? requestTimeout = null, int? breakerFailures = null, TimeSpan? breakerCoolDown = null,
        Microsoft.Extensions.Logging.ILogger<CachedCrateFollowUp>? followUpLogger = null, Microsoft.Extensions.Logging.ILogger<ProxyWriteBehind>? writeBehindLogger = null, int? indexCacheMegabytes = null,
        GhostCrate.Core.Storage.IBlobBatchStore? batches = null, ProxyIndexPrefetch? prefetch = null, bool prefetchDependencies = true, bool prefetchCrates = true)
    {
        Upstream = upstream;
        var proxy = new ProxyOptions
        {
            Enabled = true,
            IndexCacheMegabytes = indexCacheMegabytes ?? new ProxyOptions().IndexCacheMegabytes,
            Upstreams =
            {
                ["crates-io"] = new UpstreamOptions
                {
                    IndexUrl = "http://upstream.test/index/",
                    Ttl = ttl ?? TimeSpan.FromMinutes(1),
                    DownloadUrl = downloadUrl,
                    RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
                    CircuitBreakerFailures = breakerFailures ?? new UpstreamOptions().CircuitBreakerFailures,
                    CircuitBreakerCoolDown = breakerCoolDown ?? new UpstreamOptions().CircuitBreakerCoolDown,
                    PrefetchDependencies = prefetchDependencies,
                    PrefetchCrates = prefetchCrates,
                },
            },
        };
        var options = Microsoft.Extensions.Options.Options.Create(proxy);
        Registries = new UpstreamRegistries(options, Time);
        Gateway = new UpstreamGateway(upstream, Circuits, Time, NullLogger<UpstreamGateway>.Instance);
        Usage = new UsageCounter(UsageRows, Time, NullLogger<UsageCounter>.Instance);
        Advisories = new GhostCrate.Core.Advisories.AdvisoryService(AdvisoryRows, GhostCrate.Core.Tests.NoMirroredCrates.Instance, Time, NullLogger<GhostCrate.Core.Advisories.AdvisoryService>.Instance);
        var flagger = new GhostCrate.Core.ContentChecks.ProxiedCrateFlagger(FlagRows, options,
            Microsoft.Extensions.Options.Options.Create(new RegistryOptions()), Microsoft.Extensions.Options.Options.Create(new ContentCheckOptions()),
            NullLogger<GhostCrate.Core.ContentChecks.ProxiedCrateFlagger>.Instance);
        FollowUp = new CachedCrateFollowUp(Cache, Blobs, Advisories, flagger, Time, followUpLogger ?? NullLogger<CachedCrateFollowUp>.Instance);
        // The memory store's batches are its own puts (no staging), unless a test stages.
        WriteBehind = new ProxyWriteBehind(Cache, Blobs, batches ?? new GhostCrate.Core.Storage.DurablePutsBatchStore(Blobs), FollowUp, Time, writeBehindLogger ?? NullLogger<ProxyWriteBehind>.Instance);
        Index = new ProxyIndexService(Cache, Gateway, WriteBehind, Time, NullLogger<ProxyIndexService>.Instance, prefetch);
        Downloads = new ProxyDownloadService(Index, Gateway, Blobs, options, Time, Usage, FollowUp, WriteBehind, NullLogger<ProxyDownloadService>.Instance);
    }

    public ScriptedUpstream Upstream { get; }
    public MemoryUpstreamCircuitLog Circuits { get; } = new();
    public ManualTime Time { get; } = new(Start);
    public MemoryProxyCache Cache { get; } = new();
    public MemoryBlobStore Blobs { get; } = new();
    public Analytics.MemoryUsageRepository UsageRows { get; } = new();
    public UsageCounter Usage { get; }
    public GhostCrate.Core.Tests.Advisories.MemoryAdvisoryRepository AdvisoryRows { get; } = new();
    public GhostCrate.Core.Advisories.AdvisoryService Advisories { get; }
    public GhostCrate.Core.Tests.ContentChecks.MemoryContentFlagRepository FlagRows { get; } = new();
    public UpstreamRegistries Registries { get; }
    public UpstreamGateway Gateway { get; }
    public ProxyIndexService Index { get; }
    public CachedCrateFollowUp FollowUp { get; }
    public ProxyWriteBehind WriteBehind { get; }

    /// <summary>Waits until everything fetched so far is stored and its bookkeeping done.</summary>
    public async Task StoredAsync()
    {
        await WriteBehind.WhenIdleAsync();
        await FollowUp.WhenIdleAsync();
    }
    public ProxyDownloadService Downloads { get; }
    public Upstream CratesIo => Registries.Find("crates-io")!;

    public Task<ProxyIndexResult> GetAsync(string name) => Index.GetAsync(CratesIo, name, revalidate: false, CancellationToken.None);

    public int IndexRequests(string name) => Upstream.Requests.Count(r => r.RequestUri!.AbsolutePath.EndsWith("/" + name, StringComparison.Ordinal));
}

/// <summary>Records what the gateway reports, as the shared upstream_circuits table would receive it.</summary>
internal sealed class MemoryUpstreamCircuitLog : IUpstreamCircuitLog
{
    public System.Collections.Concurrent.ConcurrentQueue<(string Upstream, bool Down, string? Error)> Reports { get; } = new();

    public Task<bool> RecordAsync(string upstream, bool down, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Reports.Enqueue((upstream, down, error));
        return Task.FromResult(true);
    }
}
