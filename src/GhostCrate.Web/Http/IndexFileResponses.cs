using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Http;

/// <summary>
/// How every index file is answered, private or proxied: strong ETag, Last-Modified, cheap 304s for cargo's
/// revalidation (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol).
/// </summary>
public static class IndexFileResponses
{
    public static IResult Answer(HttpContext context, RegistryOptions options, byte[] content, string etag, DateTimeOffset lastModified)
    {
        SetCacheControl(context, options);
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = EntityTagHeaderValue.Parse(etag);
        headers.LastModified = lastModified;
        if (NotModified(context.Request, etag, lastModified)) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(content, "text/plain; charset=utf-8");
    }

    /// <summary>RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since is only consulted without it.</summary>
    public static bool NotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        var typed = request.GetTypedHeaders();
        if (typed.IfNoneMatch is { Count: > 0 } tags)
        {
            return tags.Any(t => t.Tag == "*" || t.Tag == etag);
        }
        return typed.IfModifiedSince is { } since && lastModified <= since;
    }

    /// <summary>
    /// Clients may keep a copy but must revalidate it on every use (`no-cache`), so a publish or yank is seen at once.
    /// Behind auth-required, shared caches must not keep it at all.
    /// </summary>
    public static void SetCacheControl(HttpContext context, RegistryOptions options) =>
        context.Response.Headers.CacheControl = options.AuthRequired ? "private, no-cache" : "public, no-cache";
}
