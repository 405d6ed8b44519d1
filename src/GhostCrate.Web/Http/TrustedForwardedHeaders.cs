using System.Net;
using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Http;

/// <summary>
/// Behind a reverse proxy the connection's address is the proxy's. When ReverseProxy lists trusted proxies, the
/// client address and scheme they forward (X-Forwarded-For/-Proto) replace it, so rate limits per address and the
/// audit log see the real client; headers from any other peer are ignored.
/// </summary>
public static class TrustedForwardedHeaders
{
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        var settings = app.Services.GetService<IOptions<ReverseProxyOptions>>()?.Value;
        if (settings is not { Enabled: true }) return app;

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = settings.ForwardLimit,
        };
        // The defaults trust loopback; only what the operator listed is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in settings.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        app.UseForwardedHeaders(options);
        return app;
    }
}
