using GhostCrate.Core.Changes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Http;

/// <summary>
/// Every write made through this node (any request other than GET, HEAD or OPTIONS: a token revoked, a user disabled,
/// a crate's owners changed, an allow-list entry added...) invalidates the node's memories of database state
/// (<see cref="ILocalWriteFollower"/>: access decisions, the download policy) before the answer leaves, so the caller's
/// next request is judged by the new state here at once; other nodes follow through the change feed. Reads, the hot
/// path, are not touched, and a write's answer waits for no database read.
/// </summary>
public static class LocalWriteInvalidation
{
    public static IApplicationBuilder UseLocalWriteInvalidation(this IApplicationBuilder app)
    {
        var followers = app.ApplicationServices.GetServices<ILocalWriteFollower>().ToArray();
        return app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.OnStarting(static state =>
                {
                    foreach (var follower in (ILocalWriteFollower[])state) follower.Invalidate();
                    return Task.CompletedTask;
                }, followers);
            }
            return next(context);
        });
    }
}
