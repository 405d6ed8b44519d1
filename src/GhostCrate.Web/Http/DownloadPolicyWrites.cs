using GhostCrate.Core.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Http;

/// <summary>
/// Every write made through this node (a crate's owners changed, an organization deleted, ...) makes
/// <see cref="DownloadPolicy"/> read the policy epoch before the answer leaves, so the caller's next download is judged
/// by the new state here at once, like <see cref="Auth.AccessCacheWrites"/> for access decisions; other nodes follow
/// through the change feed. Reads, the download hot path included, are not touched.
/// </summary>
public static class DownloadPolicyWrites
{
    public static IApplicationBuilder UseDownloadPolicyRefresh(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<DownloadPolicy>();
        return app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.OnStarting(static state =>
                {
                    var (policy, aborted) = ((DownloadPolicy, CancellationToken))state;
                    return CatchUpAsync(policy, aborted);
                }, (policy, context.RequestAborted));
            }
            return next(context);
        });
    }

    private static async Task CatchUpAsync(DownloadPolicy policy, CancellationToken aborted)
    {
        try
        {
            await policy.CatchUpAsync(aborted);
        }
        catch (Exception)
        {
            // The write itself succeeded: its answer must not fail. The change feed's next catch-up applies the change.
        }
    }
}
