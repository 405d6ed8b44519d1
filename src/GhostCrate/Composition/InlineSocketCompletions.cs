using System.Net.Sockets;
using GhostCrate.Configuration;
using GhostCrate.Core.Options;
using GhostCrate.Core.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace GhostCrate.Composition;

/// <summary>
/// Whether `ghostcrate serve` lets the runtime's socket event threads run request code themselves (the runtime's
/// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS with Kestrel's UnsafePreferInlineScheduling). For a request answered
/// from memory (a cached index file, a 304, a small cached .crate) that removes two hand-offs between threads, which
/// were most of its cost: bench/README.md measured twice the requests per second for the same CPU.
/// It is only safe when nothing can block those threads, which <see cref="IoThreads"/> arranges: the pipeline behind the
/// fast paths, request bodies, SQLite connections and outbound HTTP connections all continue on the thread pool.
/// PostgreSQL (Npgsql) and S3 (the AWS SDK's own HTTP stack) would resume their callers on the event threads with no
/// such hook, so the default is on only for SQLite with the file store. The variable, when set, decides: `0` turns it
/// off, `1` on (the runtime reads it anyway, so the protections follow it).
/// </summary>
public static class InlineSocketCompletions
{
    public const string RuntimeVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Set by the executable's entry point: the runtime reads the variable once per process, for every socket in it,
    /// so test processes that host servers in-process never switch (their servers behave as with the variable `0`).
    /// </summary>
    public static bool AllowedInThisProcess { get; set; }

    /// <summary>On by default for SQLite with the file store; an explicit variable wins.</summary>
    public static bool ShouldUse(GhostCrateSettings settings, string? variable) => variable is null
        ? settings.Database.Provider == DatabaseProvider.Sqlite && settings.Storage.Provider == StorageProvider.FileSystem
        : variable == "1"; // exactly the runtime's own test, so the protections are on whenever its switch is

    /// <summary>Called before anything opens a socket; true when this process now completes socket I/O inline.</summary>
    public static bool Apply(GhostCrateSettings settings)
    {
        if (!AllowedInThisProcess) return false;
        var variable = Environment.GetEnvironmentVariable(RuntimeVariable);
        if (!ShouldUse(settings, variable)) return false;
        if (variable is null) Environment.SetEnvironmentVariable(RuntimeVariable, "1");
        IoThreads.UseInlineCompletions();
        return true;
    }

    /// <summary>Outbound HTTP (proxy upstreams, mirror sync, single sign-on) over connections that resume on the thread pool.</summary>
    public static IServiceCollection AddPoolResumingHttpConnections(this IServiceCollection services)
    {
        // Clients that name no handler get a SocketsHttpHandler (what HttpClientHandler wraps on Linux), so the
        // filter below can reach their connections.
        services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()));
        services.AddSingleton<IHttpMessageHandlerBuilderFilter, PoolResumingConnectionsFilter>();
        return services;
    }

    /// <summary>Runs after every client's own configuration, so it sees the handler each client ends up with.</summary>
    public sealed class PoolResumingConnectionsFilter : IHttpMessageHandlerBuilderFilter
    {
        public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
        {
            next(builder);
            if (builder.PrimaryHandler is SocketsHttpHandler { ConnectCallback: null } handler) handler.ConnectCallback = ConnectAsync;
        };
    }

    /// <summary>What SocketsHttpHandler does without a callback (TCP, no Nagle), with the stream wrapped.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            await IoThreads.LeaveAsync(); // TLS and the request itself start from the pool, too
            return new PoolResumingStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
