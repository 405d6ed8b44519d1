using System.Globalization;
using GhostCrate.Core.Index;
using GhostCrate.Core.Operations;
using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Http;

/// <summary>
/// How every index file is answered, whatever its source (private, proxied upstream, offline mirror) and mount: strong
/// ETag, Last-Modified where the source has one, Cache-Control by auth mode, HEAD, and cheap 304s for cargo's
/// revalidation (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol); config.json's
/// Cache-Control too. This is the hot path of every cargo build, so headers are set from plain strings and
/// If-None-Match is matched without parsing it into objects: a warm request or a 304 allocates almost nothing.
/// </summary>
public static class IndexFileResponses
{
    private const string PrivateNoCache = "private, no-cache";
    private const string PublicNoCache = "public, no-cache";

    /// <summary>A rendered (usually cached) file: its Last-Modified text was formatted once.</summary>
    public static IResult Answer(HttpContext context, RegistryOptions options, IndexFile file) =>
        Answer(context, options, file.Content, file.ETag, file.LastModified, file.LastModifiedHeader, GhostCrateMetrics.SourcePrivate);

    /// <summary>A proxied upstream's index file.</summary>
    public static IResult AnswerProxied(HttpContext context, RegistryOptions options, byte[] content, string etag, DateTimeOffset lastModified) =>
        Answer(context, options, content, etag, lastModified, lastModified.ToString("R", CultureInfo.InvariantCulture), GhostCrateMetrics.SourceProxy);

    /// <summary>
    /// An offline mirror's index file, read from its directory: the ETag is the same hash of the bytes as for the
    /// other sources; no Last-Modified (the file's time says when it was synced, not when it changed), so
    /// revalidation goes by If-None-Match only, which cargo sends whenever it got an ETag.
    /// </summary>
    public static IResult AnswerMirrored(HttpContext context, RegistryOptions options, byte[] content)
    {
        var etag = SparseIndexService.ETagOf(content);
        SetCacheControl(context, options);
        context.Response.Headers.ETag = etag;
        var notModified = context.Request.Headers.IfNoneMatch.Count > 0 && EntityTags.IfNoneMatchNames(context.Request, etag);
        return Finish(content, GhostCrateMetrics.SourceMirror, notModified);
    }

    private static IResult Answer(HttpContext context, RegistryOptions options, byte[] content, string etag, DateTimeOffset lastModified, string lastModifiedHeader, ServedSource source) =>
        Finish(content, source, SetValidatorsAndCheck(context, options, etag, lastModified, lastModifiedHeader));

    private static IResult Finish(byte[] content, ServedSource source, bool notModified)
    {
        GhostCrateMetrics.IndexAnswered(source, notModified);
        if (notModified) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(content, ContentType);
    }

    /// <summary>
    /// The same answer as <see cref="Answer(HttpContext, RegistryOptions, IndexFile)"/>, written straight to the response
    /// (<see cref="SparseIndexFastPath"/>, which runs before routing and has no IResult executor).
    /// </summary>
    public static Task WriteAsync(HttpContext context, RegistryOptions options, IndexFile file) =>
        WriteAsync(context, options, file, GhostCrateMetrics.SourcePrivate);

    /// <summary>
    /// The same answer as <see cref="AnswerProxied"/> for a proxied file held in memory, with the header the mount's
    /// endpoint adds (<see cref="Endpoints.ProxyEndpoints"/>), written straight to the response.
    /// </summary>
    public static Task WriteProxiedAsync(HttpContext context, RegistryOptions options, IndexFile file)
    {
        context.Response.Headers[ProxyCacheHeader] = "ok";
        return WriteAsync(context, options, file, GhostCrateMetrics.SourceProxy);
    }

    /// <summary>Informational: lets an operator (and the tests) see a proxy mount bridging an upstream outage ("stale").</summary>
    public const string ProxyCacheHeader = "X-GhostCrate-Cache";

    private static Task WriteAsync(HttpContext context, RegistryOptions options, IndexFile file, ServedSource source)
    {
        var response = context.Response;
        var notModified = SetValidatorsAndCheck(context, options, file.ETag, file.LastModified, file.LastModifiedHeader);
        GhostCrateMetrics.IndexAnswered(source, notModified);
        if (notModified)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = file.Content.Length;
        return response.Body.WriteAsync(file.Content, 0, file.Content.Length, context.RequestAborted);
    }

    private const string ContentType = "text/plain; charset=utf-8";

    /// <summary>
    /// Sets Cache-Control and ETag, and Last-Modified unless the answer is a 304; true when the request's validators
    /// say 304. RFC 9110 §15.4.5: a 304 repeats Cache-Control and ETag, and SHOULD NOT carry other metadata such as
    /// Last-Modified when it has an ETag (cargo reads no header of a 304; and each header read is memory touched on
    /// the hottest path).
    /// </summary>
    private static bool SetValidatorsAndCheck(HttpContext context, RegistryOptions options, string etag, DateTimeOffset lastModified, string lastModifiedHeader)
    {
        SetCacheControl(context, options);
        var headers = context.Response.Headers;
        headers.ETag = etag;
        if (NotModified(context.Request, etag, lastModified)) return true;
        headers.LastModified = lastModifiedHeader;
        return false;
    }

    /// <summary>RFC 9110 §13.2.2: If-None-Match wins (weak comparison, §13.1.2); If-Modified-Since is only consulted without it.</summary>
    public static bool NotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        if (request.Headers.IfNoneMatch.Count > 0) return EntityTags.IfNoneMatchNames(request, etag);
        var ifModifiedSince = request.Headers.IfModifiedSince;
        return ifModifiedSince.Count > 0
            && HeaderUtilities.TryParseDate(ifModifiedSince.ToString(), out var since)
            && lastModified <= since;
    }

    /// <summary>
    /// Clients may keep a copy but must revalidate it on every use (`no-cache`), so a publish or yank is seen at once.
    /// Behind auth-required, shared caches must not keep it at all.
    /// </summary>
    public static void SetCacheControl(HttpContext context, RegistryOptions options) =>
        context.Response.Headers.CacheControl = options.AuthRequired ? PrivateNoCache : PublicNoCache;

    /// <summary>
    /// config.json holds absolute URLs. Without Registry:PublicUrl they come from the request's Host header, so the
    /// answer differs per Host, and a shared cache keyed on the path (nginx's default proxy_cache_key has the upstream's
    /// name, not the client's Host) would pass one client's `dl` on to everyone: only the client may keep it.
    /// </summary>
    public static void SetConfigCacheControl(HttpContext context, RegistryOptions options) =>
        context.Response.Headers.CacheControl = options.AuthRequired || string.IsNullOrEmpty(options.PublicUrl) ? PrivateNoCache : PublicNoCache;
}
