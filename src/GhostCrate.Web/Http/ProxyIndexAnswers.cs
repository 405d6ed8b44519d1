using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Http;

/// <summary>
/// A proxy mount's answer to a <see cref="ProxyIndexService.GetAsync"/> result, in one place for the mount's endpoint
/// (<see cref="Endpoints.ProxyEndpoints"/>) and the index fast path's cold misses (<see cref="SparseIndexFastPath"/>),
/// so the two cannot drift: the file with the mount's headers, or Cargo's envelope with a sentence saying what is missing.
/// A file a client reads is offered to <see cref="ProxyCratePrefetch"/> (the fast path's hits offer it there too).
/// </summary>
public static class ProxyIndexAnswers
{
    public static IResult Of(HttpContext context, RegistryOptions options, Upstream upstream, string crateName, ProxyIndexResult result)
    {
        switch (result.Status)
        {
            case ProxyIndexStatus.NotFound:
                return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{crateName}` does not exist in upstream `{upstream.Name}`");
            case ProxyIndexStatus.Unavailable:
                return CargoResults.Error(StatusCodes.Status502BadGateway,
                    $"crate `{crateName}` is not in GhostCrate's cache of `{upstream.Name}` and the upstream cannot be reached: {result.Error}");
        }
        var file = result.File!;
        // A client read it: the .crate it is likely to download next is fetched ahead (ProxyCratePrefetch).
        context.RequestServices.GetService<ProxyCratePrefetch>()?.Offer(upstream, file.CrateName, file.Content);
        context.Response.Headers[IndexFileResponses.ProxyCacheHeader] = result.Stale ? "stale" : "ok";
        return IndexFileResponses.AnswerProxied(context, options, file.Content, file.ETag, file.LastModified);
    }
}
