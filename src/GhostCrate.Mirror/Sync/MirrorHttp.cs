using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Mirror.Sync;

/// <summary>The mirror's named HttpClient: no automatic decompression (a .crate is hashed as sent), no overall
/// timeout (the downloader has its own per-phase limits), generous connection pool for parallel downloads, HTTP/2
/// asked for on every request (index files and downloads) and used where the upstream offers it (ALPN over TLS).</summary>
public static class MirrorHttp
{
    public const string ClientName = "ghostcrate-mirror";

    public static IServiceCollection AddGhostCrateMirror(this IServiceCollection services)
    {
        AddMirrorClient(services, ClientName, _ => null);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<MirrorSync>();
        services.AddSingleton<Toolchains.ToolchainSync>();
        services.AddSingleton<Estimates.MirrorEstimator>();
        return services;
    }

    /// <summary>
    /// Registers a client named <paramref name="name"/> with the mirror's settings; <paramref name="connect"/> may
    /// supply a ConnectCallback (the server's jobs pass their SSRF guard; the CLI connects anywhere it is told).
    /// </summary>
    public static IServiceCollection AddMirrorClient(IServiceCollection services, string name,
        Func<IServiceProvider, Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>?> connect)
    {
        services.AddHttpClient(name, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestVersion = HttpVersion.Version20;
                client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
                client.DefaultRequestHeaders.UserAgent.ParseAdd($"ghostcrate-mirror/{typeof(MirrorHttp).Assembly.GetName().Version?.ToString(3) ?? "0"}");
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var callback = connect(sp);
                return new SocketsHttpHandler
                {
                    AutomaticDecompression = DecompressionMethods.None,
                    ConnectTimeout = TimeSpan.FromSeconds(30),
                    PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                    MaxConnectionsPerServer = 256,
                    EnableMultipleHttp2Connections = true,
                    AllowAutoRedirect = true,
                    // A guarded client connects only to addresses its callback checked; an HTTP proxy would connect for it.
                    UseProxy = callback is null,
                    ConnectCallback = callback,
                };
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }
}
