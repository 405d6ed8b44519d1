using GhostCrate.Core.Crates;
using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using GhostCrate.Core.Policy;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Threading;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Http;

/// <summary>
/// .crate downloads answered before routing and the rest of the pipeline (bench/README.md: small downloads through the
/// full pipeline ran at about a tenth of nginx's rate). From the file-system store: small files from memory
/// (<see cref="SmallFileCache"/>), larger ones as files in large pieces (<see cref="PieceCopySendFile"/>). From a
/// remote store (S3): small files from memory (<see cref="RemoteCrateFileCache"/>), so a busy version costs no request
/// to the store. A proxy mount's cached files on this machine the same way (<see cref="FindProxiedAsync"/>), and its
/// other downloads through the mount's service (<see cref="OpenProxiedAsync"/>).
/// Like <see cref="SparseIndexFastPath"/>, it answers only what it can answer exactly as the download endpoint of
/// <see cref="Endpoints.CargoApiEndpoints"/> would (same access check, count, headers and conditional requests):
/// a GET of an existing version's file the caller may read and the download policy allows. Everything else — other methods, unusual names, unknown
/// versions, missing files, large files of a remote store, session cookies or missing/refused tokens in auth-required mode, failures
/// before the response started — goes on through the full pipeline.
/// </summary>
public sealed class DownloadFastPath(
    RequestDelegate next, DownloadService downloads, CrateAccess access, Core.Identity.TokenAuthenticator authenticator, DownloadPolicy policy, SmallFileCache smallFiles,
    UpstreamRegistries upstreams, ProxyDownloadService proxyDownloads, ProxyQuarantine quarantine, IOptions<RegistryOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        Upstream? upstream = null;
        if (!HttpMethods.IsGet(context.Request.Method)
            || !TryMatch(context.Request.Path, out var name, out var version) && !TryMatchMount(context.Request.Path, out upstream, out name, out version))
        {
            await next(context);
            return;
        }

        var settings = options.Value;
        Found? found;
        var fetch = false;
        try
        {
            if (upstream is null) found = await FindReadableAsync(context, settings, name, version);
            else (found, fetch) = await FindProxiedAsync(context, settings, upstream, name, version);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            found = null; // The pipeline tries again and answers any failure in Cargo's envelope.
        }
        if (fetch)
        {
            await OpenProxiedAsync(context, settings, upstream!, name, version);
            return;
        }
        if (found is not { } readable)
        {
            await next(context);
            return;
        }

        if (upstream is null) Metrics.FastPathRoutes.TagDownload(context);
        else Metrics.FastPathRoutes.TagMountDownload(context, upstream.Name);
        try
        {
            if (readable.Pending is { } pending) await WriteAsync(context, settings, pending);
            else if (readable.Remote is { } remote) await WriteAsync(context, settings, remote);
            else await WriteAsync(context, settings, readable.Local!, upstream is null ? GhostCrateMetrics.SourcePrivate : GhostCrateMetrics.SourceProxy);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A file on this machine. A private crate's carries its checksum as ETag (and a matching If-None-Match gets 304);
    /// a proxied one is answered as the mount's endpoint answers it, with Cache-Control and Last-Modified only.
    /// </summary>
    private async Task WriteAsync(HttpContext context, RegistryOptions settings, LocalCrateFile file, ServedSource source)
    {
        if (source != GhostCrateMetrics.SourcePrivate) CrateFileResponses.SetCacheControl(context, settings);
        else if (CrateFileResponses.SetHeadersAndCheck(context, settings, file.ETag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var bytes = smallFiles.Get(file.Path, file.Length, file.LastModified);
        if (bytes is not null && !HasDateConditionsOrRange(context.Request))
        {
            await WriteBytesAsync(context, bytes, file.LastModifiedHeader, source);
            return;
        }
        context.Response.ContentLength = file.Length;
        PieceCopySendFile.Use(context);
        GhostCrateMetrics.Downloaded(source, bytes is not null ? GhostCrateMetrics.FromMemory : GhostCrateMetrics.FromDisk);
        // The same result types as the endpoint's stream (one helper evaluates If-Modified-Since and friends).
        var result = bytes is not null
            ? Results.Bytes(bytes, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: file.LastModified)
            : Results.File(file.Path, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: file.LastModified);
        await result.ExecuteAsync(context);
    }

    /// <summary>A small file of a remote store (S3), from memory.</summary>
    private static async Task WriteAsync(HttpContext context, RegistryOptions settings, CachedCrateFile file)
    {
        if (CrateFileResponses.SetHeadersAndCheck(context, settings, file.ETag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        if (!HasDateConditionsOrRange(context.Request))
        {
            await WriteBytesAsync(context, file.Content, file.LastModifiedHeader, GhostCrateMetrics.SourcePrivate);
            return;
        }
        // As the endpoint does before its result evaluates date conditions and ranges (a 304 then keeps it too).
        context.Response.ContentLength = file.Content.Length;
        GhostCrateMetrics.Downloaded(GhostCrateMetrics.SourcePrivate, GhostCrateMetrics.FromMemory);
        await Results.Bytes(file.Content, CrateFileResponses.ContentType, fileDownloadName: null, lastModified: file.LastModified).ExecuteAsync(context);
    }

    /// <summary>
    /// A proxy mount's cached .crate when it is on this machine, the caller may read the mount, no quarantine has to
    /// date the version, the download policy lets it through, and the request has no date condition or range (the
    /// mount's endpoint streams with its own result, which evaluates those). Fetch (true) when those checks passed but
    /// the file is not on this machine: <see cref="OpenProxiedAsync"/> asks the mount's service. Anything else (a
    /// refusal to explain) goes to the endpoint. The endpoint's order: access (the mount's filter), then the policy
    /// and the quarantine, then the cache, which counts a hit.
    /// </summary>
    private async ValueTask<(Found? Found, bool Fetch)> FindProxiedAsync(HttpContext context, RegistryOptions settings, Upstream upstream, string name, string version)
    {
        if (HasDateConditionsOrRange(context.Request) || quarantine.Enabled || !await FastPathAccess.MayReadMountAsync(context, settings, authenticator)) return (null, false);
        if (await policy.CheckAsync(Core.Advisories.VersionSources.Proxy(upstream.Name), name, version, context.RequestAborted) is not null) return (null, false);
        // The cached file first: a steady mount's every hit asks, and its lookup allocates nothing. Then a crate fetched a
        // moment ago, whose file is not there until its save (the pending lookup builds the storage key).
        if (proxyDownloads.FindCachedLocalFile(upstream, name, version) is { } file) return (new Found(file, null), false);
        return proxyDownloads.FindPendingCrate(upstream, name, version) is { } pending ? (new Found(null, null, pending), false) : (null, true);
    }

    /// <summary>
    /// A proxied .crate whose save waits in the write-behind, from its bytes in memory: what the mount's endpoint answers
    /// (<see cref="ProxyDownloadAnswers"/>) to a GET without conditions, Cache-Control and Last-Modified but no ETag.
    /// </summary>
    private static Task WriteAsync(HttpContext context, RegistryOptions settings, PendingCrateFile pending)
    {
        CrateFileResponses.SetCacheControl(context, settings);
        return WriteBytesAsync(context, pending.Bytes, HeaderUtilities.FormatDate(pending.StoredAt), GhostCrateMetrics.SourceProxy);
    }

    /// <summary>
    /// A proxied .crate this machine does not hold as a file (a cold build's download, or a remote store's): the same
    /// service call and answer as the mount's endpoint (<see cref="ProxyDownloadAnswers"/>) after the same checks,
    /// without routing and the rest of the pipeline. A failure before the answer started goes on to the endpoint.
    /// </summary>
    private async Task OpenProxiedAsync(HttpContext context, RegistryOptions settings, Upstream upstream, string name, string version)
    {
        // The service opens files, takes locks and hashes: never on a socket event thread (Core/Threading/IoThreads).
        await IoThreads.LeaveAsync();
        ProxyDownload download;
        try
        {
            download = await FetchAsync(context, upstream, name, version);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            await next(context);
            return;
        }
        Metrics.FastPathRoutes.TagMountDownload(context, upstream.Name);
        try
        {
            await ProxyDownloadAnswers.Of(context, settings, download).ExecuteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The mount's service, continuing on the socket event thread that receives the upstream's answer
    /// (<see cref="IoThreads.ResumeOnSocketThread"/>, undone when this returns), as a cold index file does
    /// (SparseIndexFastPath): after that answer a small file is hashed in memory, queued for its save
    /// (ProxyWriteBehind) and answered from the same bytes, so the answer goes out from the thread that received the
    /// upstream's, without a hand-off to the pool. What could block leaves that thread first: a file too large for
    /// memory is spooled to disk (CrateSpool) and stored before the answer (ProxyDownloadService).
    /// </summary>
    private async Task<ProxyDownload> FetchAsync(HttpContext context, Upstream upstream, string name, string version)
    {
        IoThreads.ResumeOnSocketThread();
        return await proxyDownloads.OpenAsync(upstream, name, version, context.RequestAborted);
    }

    /// <summary>What Results.Bytes would answer to a plain GET, without its per-request header formatting.</summary>
    private static Task WriteBytesAsync(HttpContext context, ReadOnlyMemory<byte> bytes, string? lastModifiedHeader, ServedSource source)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = CrateFileResponses.ContentType;
        response.ContentLength = bytes.Length;
        if (lastModifiedHeader is not null) response.Headers.LastModified = lastModifiedHeader;
        GhostCrateMetrics.Downloaded(source, GhostCrateMetrics.FromMemory);
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    /// <summary>Headers the file results evaluate (RFC 9110 §13.1.3, §13.1.4, §13.1.5, §14.2); If-None-Match was answered above.</summary>
    private static bool HasDateConditionsOrRange(HttpRequest request)
    {
        var headers = request.Headers;
        return headers.IfModifiedSince.Count > 0 || headers.IfUnmodifiedSince.Count > 0 || headers.IfMatch.Count > 0
            || headers.IfRange.Count > 0 || headers.Range.Count > 0;
    }

    /// <summary>
    /// The file when the caller may read it and the download policy lets it through (with no policy on, that answer
    /// costs no lookup): on this machine, or a small one of a remote store from memory. A refused version goes on to
    /// the endpoint, which answers the refusal in Cargo's envelope.
    /// </summary>
    private async ValueTask<Found?> FindReadableAsync(HttpContext context, RegistryOptions settings, string name, string version)
    {
        if (!await FastPathAccess.MayReadAsync(context, settings, authenticator, access, name)) return null;
        Found? found = await downloads.FindLocalFileAsync(name, version, context.RequestAborted) is { } local
            ? new Found(local, null)
            : await downloads.FindSmallRemoteFileAsync(name, version, context.RequestAborted) is { } remote ? new Found(null, remote) : null;
        if (found is null) return null;
        return await policy.CheckAsync(Core.Advisories.VersionSources.Private, name, version, context.RequestAborted) is null ? found : null;
    }

    /// <summary>One of three: a file on this machine, a remote store's small file held in memory, or a proxied file still on its way into the store.</summary>
    private readonly record struct Found(LocalCrateFile? Local, CachedCrateFile? Remote, PendingCrateFile? Pending = null);

    /// <summary>A private crate's download path (<see cref="TryMatchDownload"/>).</summary>
    internal static bool TryMatch(PathString path, out string name, out string version)
    {
        name = version = "";
        return path.Value is { } value && TryMatchDownload(value.AsSpan(), out name, out version);
    }

    /// <summary>
    /// `/{mount}/api/v1/crates/{name}/{version}/download` of a proxy mount, the mount's name spelled as configured
    /// (another spelling still reaches the endpoint through routing, which ignores case).
    /// </summary>
    private bool TryMatchMount(PathString path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Upstream? upstream, out string name, out string version)
    {
        upstream = null;
        name = version = "";
        if (path.Value is not { Length: > 1 } value) return false;
        var slash = value.IndexOf('/', 1);
        return slash > 1
            && (upstream = upstreams.Find(value.AsSpan(1, slash - 1))) is not null
            && TryMatchDownload(value.AsSpan(slash), out name, out version);
    }

    private const string CratesPrefix = "/api/v1/crates/";

    /// <summary>
    /// `/api/v1/crates/{name}/{version}/download` (literal segments case-insensitive, as routing matches them), with a
    /// name and version made of the characters crate names and semantic versions use; anything else is left to routing.
    /// </summary>
    private static bool TryMatchDownload(ReadOnlySpan<char> path, out string name, out string version)
    {
        name = version = "";
        if (!path.StartsWith(CratesPrefix, StringComparison.OrdinalIgnoreCase)) return false;
        var span = path[CratesPrefix.Length..];
        var first = span.IndexOf('/');
        if (first <= 0) return false;
        var afterName = span[(first + 1)..];
        var second = afterName.IndexOf('/');
        if (second <= 0 || !afterName[(second + 1)..].Equals("download", StringComparison.OrdinalIgnoreCase)) return false;
        var nameSpan = span[..first];
        var versionSpan = afterName[..second];
        foreach (var c in nameSpan)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        }
        foreach (var c in versionSpan)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '+')) return false;
        }
        name = nameSpan.ToString();
        version = versionSpan.ToString();
        return true;
    }
}

/// <summary>Puts <see cref="DownloadFastPath"/> in front of the whole application pipeline, routing included.</summary>
public sealed class DownloadFastPathStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<DownloadFastPath>();
        next(app);
    };
}
