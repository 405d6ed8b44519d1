using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Threading;
using GhostCrate.Protocol.Index;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Http;

/// <summary>
/// Cargo's hot path (every build revalidates every index file it uses), answered before routing, authorization,
/// antiforgery and the UI's middleware, which cost more than the answer itself: bench/README.md measured the full
/// pipeline at well under half of nginx's rate for the same files.
/// It answers only what it can answer exactly as the `/index/{**path}` endpoint of <see cref="Endpoints.SparseIndexEndpoints"/>
/// would (same service, same access check, same <see cref="IndexFileResponses"/> headers): a GET of an existing index
/// file the caller may read. Everything else goes on through the full pipeline, which gives the usual answer: other
/// methods, config.json, malformed paths, unknown crates, a session cookie or a missing or refused token in
/// auth-required mode, restricted crates the caller may not read, and any failure before the response started (the
/// pipeline then answers in Cargo's envelope, as before).
/// </summary>
public sealed class SparseIndexFastPath(RequestDelegate next, SparseIndexService index, CrateAccess access, Core.Identity.TokenAuthenticator authenticator, ProxyIndexService proxyIndex, UpstreamRegistries upstreams, IOptions<RegistryOptions> options, ProxyCratePrefetch cratePrefetch)
{
    private const string IndexPrefix = "/index/";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // The same match as the route `/index/{**path}` (literal segments match case-insensitively); IndexPath.TryParse
        // accepts exactly the canonical paths, so the path value is the one routing would pass. Matched on spans:
        // the crate's name is the only string this allocates.
        if (!HttpMethods.IsGet(request.Method) || request.Path.Value is not { } path)
        {
            await next(context);
            return;
        }
        if (!path.StartsWith(IndexPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await ProxiedAsync(context, path);
            return;
        }
        if (!IndexPath.TryParse(path.AsSpan(IndexPrefix.Length), out var name))
        {
            await next(context);
            return;
        }

        var settings = options.Value;
        IndexFile? file;
        try
        {
            file = await FindReadableAsync(context, settings, name);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // The client went away (as CargoExceptionMiddleware does).
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            file = null; // The pipeline tries again and answers the failure in Cargo's envelope (and logs it).
        }
        if (file is null)
        {
            await next(context);
            return;
        }

        Metrics.FastPathRoutes.TagIndex(context);
        try
        {
            await IndexFileResponses.WriteAsync(context, settings, file);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A proxy mount's index file (`/{mount}/index/...`, the mount's name spelled as configured) the caller may read:
    /// from this node's memory when it holds a fresh copy (<see cref="ProxyIndexService.TryGetFresh"/>), else through
    /// the mount's service (<see cref="ColdAsync"/>). A caller the mount's filter would refuse goes to the endpoint.
    /// </summary>
    private async Task ProxiedAsync(HttpContext context, string path)
    {
        var slash = path.Length > 1 ? path.IndexOf('/', 1) : -1;
        if (slash < 0
            || upstreams.Find(path.AsSpan(1, slash - 1)) is not { } upstream
            || !path.AsSpan(slash).StartsWith(IndexPrefix, StringComparison.OrdinalIgnoreCase)
            || !IndexPath.TryParse(path.AsSpan(slash + IndexPrefix.Length), out var name))
        {
            await next(context);
            return;
        }
        var settings = options.Value;
        try
        {
            // Access first: a refused caller goes to the endpoint, which counts nothing as a cache hit.
            if (!await FastPathAccess.MayReadMountAsync(context, settings, authenticator))
            {
                await next(context);
                return;
            }
            // IndexPath.TryParse accepts lowercase names only, so the name is already the key the mount's memory uses.
            if (proxyIndex.TryGetFresh(upstream, name) is not { } remembered)
            {
                await ColdAsync(context, settings, upstream, name);
                return;
            }
            Metrics.FastPathRoutes.TagMountIndex(context, upstream.Name);
            // As ProxyIndexAnswers does for the cold and due files: a lookup when this copy was offered before.
            cratePrefetch.Offer(upstream, name, remembered.File.Content);
            await IndexFileResponses.WriteProxiedAsync(context, settings, remembered.File);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A file this node does not hold fresh (a cold build's first request for it, or one that is due): the same service
    /// call and answer as the mount's endpoint (<see cref="ProxyIndexAnswers"/>), without routing, authentication,
    /// authorization and the endpoint's filter, which a cold build would pay on each of its hundreds of index files. The
    /// caller's access was checked as the endpoint's filter checks it. A failure before the answer started goes on to
    /// the pipeline, which asks again and answers it in Cargo's envelope (and logs it).
    /// </summary>
    private async Task ColdAsync(HttpContext context, RegistryOptions settings, Upstream upstream, string name)
    {
        // The service reads the database, takes locks and may wait for the upstream: never on a socket event thread
        // (Core/Threading/IoThreads); a cold file's one hop is small next to its fetch.
        await IoThreads.LeaveAsync();
        ProxyIndexResult result;
        try
        {
            result = await FetchAsync(context, upstream, name);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await next(context);
            return;
        }
        Metrics.FastPathRoutes.TagMountIndex(context, upstream.Name);
        await ProxyIndexAnswers.Of(context, settings, upstream, name, result).ExecuteAsync(context);
    }

    /// <summary>
    /// The mount's service, continuing on the socket event thread that receives the upstream's answer
    /// (<see cref="IoThreads.ResumeOnSocketThread"/>, undone when this returns, so a failure goes on to the pipeline as
    /// before): after that answer nothing here blocks. The service keeps the file in memory and queues its save
    /// (ProxyWriteBehind), its other writes go through database connections that leave the socket thread by
    /// themselves, and the answer is then written as a hit's is, by the thread that received the upstream's, without a
    /// hand-off to the pool.
    /// </summary>
    private async Task<ProxyIndexResult> FetchAsync(HttpContext context, Upstream upstream, string name)
    {
        IoThreads.ResumeOnSocketThread();
        return await proxyIndex.GetAsync(upstream, name, revalidate: false, context.RequestAborted);
    }

    /// <summary>The file when this caller may read it; null when the full pipeline has to decide.</summary>
    private async ValueTask<IndexFile?> FindReadableAsync(HttpContext context, RegistryOptions settings, string name) =>
        await FastPathAccess.MayReadAsync(context, settings, authenticator, access, name) ? await index.GetAsync(name, context.RequestAborted) : null;
}

/// <summary>Puts <see cref="SparseIndexFastPath"/> in front of the whole application pipeline, routing included.</summary>
public sealed class SparseIndexFastPathStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<SparseIndexFastPath>();
        next(app);
    };
}
