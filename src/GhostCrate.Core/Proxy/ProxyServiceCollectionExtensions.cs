using GhostCrate.Core.Options;
using GhostCrate.Core.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GhostCrate.Core.Proxy;

public static class ProxyServiceCollectionExtensions
{
    /// <summary>
    /// The proxy use cases. The host registers the ports (<see cref="IUpstreamHttp"/>, the repositories, the blob store)
    /// and IOptions&lt;ProxyOptions&gt;. The dependency-confusion guard joins publishing only when upstreams are on.
    /// </summary>
    public static IServiceCollection AddGhostCrateProxyCore(this IServiceCollection services, ProxyOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UpstreamRegistries>();
        services.AddSingleton<UpstreamGateway>();
        services.AddSingleton<ProxyIndexService>();
        services.AddSingleton<ProxyIndexPrefetch>();
        services.AddSingleton<CachedCrateFollowUp>();
        services.AddSingleton<ProxyWriteBehind>();
        services.AddSingleton<ProxyDownloadService>();
        services.AddSingleton<ProxyCratePrefetch>();
        services.AddSingleton<ProxySearchService>();
        services.AddSingleton<ProxyStatusService>();
        services.AddSingleton<ProxyStatistics>();
        services.AddSingleton<ProxyWarmer>();
        if (options.EffectiveUpstreams().Count > 0) services.AddSingleton<IPublishNameGuard, DependencyConfusionGuard>();
        return services;
    }
}
