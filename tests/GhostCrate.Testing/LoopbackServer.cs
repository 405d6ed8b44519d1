using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Testing;

/// <summary>
/// A small Kestrel server on 127.0.0.1 and a port the kernel picks, for the real HTTP peers tests talk to (webhook and
/// OTLP receivers, a static dist server, a fault-injecting proxy, a metrics writer): tests never bind anything but
/// loopback, never pick a port that may be taken, and stop what they started. The caller maps its routes.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private LoopbackServer(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    /// <summary>`http://127.0.0.1:PORT/` (with the trailing slash, so relative URIs resolve under it).</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    /// <param name="map">Adds the routes and middleware.</param>
    /// <param name="configure">Changes the builder first (services, Kestrel options), if needed.</param>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        // No reload-on-change: the default would watch the working directory (appsettings*.json), and a watch there is
        // what FileWatchTests asserts the server never holds, in the same test process.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
