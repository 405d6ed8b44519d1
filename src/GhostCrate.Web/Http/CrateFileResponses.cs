using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>Headers of a .crate download, shared by the endpoint and <see cref="DownloadFastPath"/>.</summary>
public static class CrateFileResponses
{
    public const string ContentType = "application/gzip";

    // Published files never change, so any cache may keep them forever (privately in auth-required mode).
    private const string PublicImmutable = "public, max-age=31536000, immutable";
    private const string PrivateImmutable = "private, max-age=31536000, immutable";

    /// <summary>
    /// Cache-Control of every .crate answer, whatever its source (private, proxied, mirrored): behind auth-required only
    /// the client may keep it, never a shared cache (RFC 9111 §5.2.2.7), since the shared cache would serve it to anyone.
    /// </summary>
    public static void SetCacheControl(HttpContext context, RegistryOptions options) =>
        context.Response.Headers.CacheControl = options.AuthRequired ? PrivateImmutable : PublicImmutable;

    /// <summary>Sets Cache-Control and the ETag (the file's SHA-256, quoted: LocalCrateFile.ETag, CrateDownload.ETag); true when If-None-Match names it (then answer 304).</summary>
    public static bool SetHeadersAndCheck(HttpContext context, RegistryOptions options, string etag)
    {
        SetCacheControl(context, options);
        context.Response.Headers.ETag = etag;
        return EntityTags.IfNoneMatchNames(context.Request, etag);
    }
}
