using System.Net;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GhostCrate.Composition;

/// <summary>
/// The proxy's outbound HTTP: one named IHttpClientFactory client per upstream, with its own proxy, connect timeout
/// and request timeout. Nothing here contacts an upstream; the first request that needs one does.
/// </summary>
public static class ProxyComposition
{
    public static IServiceCollection AddGhostCrateProxy(this IServiceCollection services, ProxyOptions options)
    {
        services.AddSingleton(Options.Create(options));
        services.AddGhostCrateProxyCore(options);
        services.AddHttpClient();
        services.AddSingleton<IUpstreamHttp, FactoryUpstreamHttp>();
        foreach (var (name, upstreamOptions) in options.EffectiveUpstreams())
        {
            var upstream = UpstreamDefinition.From(name, upstreamOptions);
            services.AddHttpClient(upstream.HttpClientName, client =>
                {
                    // The gateway's per-call deadline (UpstreamGateway, the same RequestTimeout) is the one timeout that
                    // counts: it feeds the status, the breaker and the "did not answer within" message. HttpClient's own
                    // is only a backstop set past it; set equal, the two raced and a timeout sometimes surfaced as a
                    // transport error instead.
                    client.Timeout = upstream.RequestTimeout + TimeSpan.FromSeconds(10);
                    // crates.io asks API clients to identify themselves (https://crates.io/data-access#api).
                    client.DefaultRequestHeaders.UserAgent.ParseAdd("GhostCrate-proxy/1.0 (+https://github.com/ghostcrate)");
                })
                .ConfigurePrimaryHttpMessageHandler(() => CreateHandler(upstream))
                // The factory's two logging handlers add a logging scope and two async layers to every upstream request
                // (a cold build makes hundreds); their lines are off by default (System.Net.Http at Warning), and the
                // gateway logs and counts each failure itself (UpstreamGateway, the proxy metrics).
                .RemoveAllLoggers();
        }
        if (options.EffectiveUpstreams().Count > 0) services.AddHostedService<ProxyStatsFlusher>();
        return services;
    }

    /// <summary>
    /// No HttpProxy setting: the default proxy, which on Linux reads HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY.
    /// `none`: direct. A URL: that proxy for this upstream only.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(UpstreamDefinition upstream)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = upstream.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.All,
            // Re-resolve DNS now and then (a CDN moving) without giving up pooling.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
        };
        switch (upstream.HttpProxy)
        {
            case null:
                break;
            case var none when none.Equals("none", StringComparison.OrdinalIgnoreCase):
                handler.UseProxy = false;
                break;
            case var url:
                handler.Proxy = CreateWebProxy(new Uri(url));
                handler.UseProxy = true;
                break;
        }
        return handler;
    }

    /// <summary>
    /// `http://user:password@proxy:3128`: WebProxy ignores credentials in the URI, so they become NetworkCredential, and
    /// the address kept on the proxy (which .NET puts into error messages, which reach logs and cargo) carries none.
    /// </summary>
    public static WebProxy CreateWebProxy(Uri url)
    {
        if (url.UserInfo.Length == 0) return new WebProxy(url);
        var parts = url.UserInfo.Split(':', 2);
        var address = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
        return new WebProxy(address)
        {
            Credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : ""),
        };
    }

    private sealed class FactoryUpstreamHttp(IHttpClientFactory factory) : IUpstreamHttp
    {
        public HttpClient CreateClient(UpstreamDefinition upstream) => factory.CreateClient(upstream.HttpClientName);
    }

    /// <summary>Adds the in-memory proxy counters to the database every Proxy:StatsFlushInterval, and once more on shutdown.</summary>
    private sealed class ProxyStatsFlusher(ProxyStatistics statistics, IOptions<ProxyOptions> options, TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(options.Value.StatsFlushInterval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stoppingToken)) await statistics.FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: the final flush follows.
            }
        }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            await base.StopAsync(cancellationToken);
            await statistics.FlushAsync(cancellationToken);
        }
    }
}
