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

    // A redirect to a presigned URL is kept by no cache: the URL expires within minutes, a shared cache would hand it
    // (and so the file) to callers who may not read the crate, and every download is counted here.
    private const string NoStore = "private, no-store";

    /// <summary>
    /// Headers of a redirect to the file's presigned URL (Storage:S3:PresignedDownloads); true when If-None-Match names
    /// the file's ETag (then answer 304, which carries the ETag, RFC 9110 §15.4.5).
    /// </summary>
    public static bool SetRedirectHeadersAndCheck(HttpContext context, string etag)
    {
        context.Response.Headers.CacheControl = NoStore;
        if (!EntityTags.IfNoneMatchNames(context.Request, etag)) return false;
        context.Response.Headers.ETag = etag;
        return true;
    }

    /// <summary>Sets Cache-Control and the ETag (the file's SHA-256, quoted: LocalCrateFile.ETag, CrateDownload.ETag); true when If-None-Match names it (then answer 304).</summary>
    public static bool SetHeadersAndCheck(HttpContext context, RegistryOptions options, string etag)
    {
        SetCacheControl(context, options);
        context.Response.Headers.ETag = etag;
        return EntityTags.IfNoneMatchNames(context.Request, etag);
    }
}
