using GhostCrate.Core.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Auth;

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
