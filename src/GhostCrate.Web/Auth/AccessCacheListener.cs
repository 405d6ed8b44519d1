using GhostCrate.Core.Identity;
using GhostCrate.Core.Index;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GhostCrate.Web.Auth;

/// <summary>
/// Keeps <see cref="AccessCache"/> following the database's access epoch while the server runs: on PostgreSQL every
/// change notification (the triggers of migration 0012 NOTIFY at commit) re-reads it, so a token revoked on another
/// node is refused here within milliseconds; on SQLite a poll sees changes made by another process (the CLI).
/// </summary>
public sealed class AccessCacheListener(AccessCache cache, IIndexChangeSignal signal) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => signal.RunAsync(cache.CatchUpAsync, stoppingToken);
}

/// <summary>
/// Every write made through this node (any request other than GET, HEAD or OPTIONS: a token revoked, a user disabled,
/// a team member removed...) makes <see cref="AccessCache"/> re-read the access epoch before the answer leaves, so the
/// caller's next request is judged by the new state here at once; other nodes follow through the change feed.
/// Reads, the hot path, are not touched.
/// </summary>
public static class AccessCacheWrites
{
    public static IApplicationBuilder UseAccessCacheInvalidation(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<AccessCache>();
        return app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.OnStarting(static state =>
                {
                    ((AccessCache)state).Invalidate();
                    return Task.CompletedTask;
                }, cache);
            }
            return next(context);
        });
    }
}
