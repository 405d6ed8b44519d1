using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;

namespace GhostCrate.Web.Health;

/// <summary>
/// While the node drains, every answer also asks the client to close its connection (HTTP/1.1 `Connection: close`,
/// HTTP/2 GOAWAY, both done by Kestrel through <see cref="IConnectionLifetimeNotificationFeature"/>). A load balancer
/// or cargo holding a keep-alive connection would otherwise keep sending on it until the listeners close; asked to
/// reconnect, it lands on a node that stays. Registered first, so the fast paths' answers carry it too.
/// </summary>
public sealed class DrainConnectionCloseStartupFilter(NodeLifecycle lifecycle) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (lifecycle.Draining) context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            return nextMiddleware(context);
        });
        next(app);
    };
}
