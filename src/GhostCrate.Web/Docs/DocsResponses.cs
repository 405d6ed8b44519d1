using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Docs;

/// <summary>
/// The headers every served docs file carries. A crate's rustdoc is code written by whoever publishes the crate: on
/// the registry's origin it could read the session's data through the API. `sandbox` without `allow-same-origin`
/// gives the page an opaque origin (https://www.w3.org/TR/CSP3/#directive-sandbox): its scripts run (rustdoc's search
/// needs them) but they cannot read the registry's cookies or storage, and their requests to the API are
/// cross-origin (no SameSite=Lax session cookie, and no CORS grant to read an answer).
/// </summary>
public static class DocsResponses
{
    public const string SandboxPolicy = "sandbox allow-scripts allow-popups";

    // rustdoc names its shared files after their content (static.files/main-5013f961.js): they never change.
    private const string StaticFolder = "static.files/";
    private const string ImmutableAge = "max-age=31536000, immutable";
    // Other files of a version change only when its docs are uploaded or built again; revalidation by ETag after that.
    private const string VersionAge = "max-age=3600";

    /// <summary>HttpContext.Items key read by the UI's security headers, so they keep this policy on docs pages.</summary>
    public const string PolicyItem = "GhostCrate.Csp.Override";

    public static void SetFileHeaders(HttpContext context, string path, string contentType, string etag, bool shared)
    {
        var headers = context.Response.Headers;
        headers.ContentType = contentType;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = SandboxPolicy;
        context.Items[PolicyItem] = SandboxPolicy;
        headers.ETag = etag;
        var scope = shared ? "public" : "private";
        headers.CacheControl = $"{scope}, {(path.StartsWith(StaticFolder, StringComparison.Ordinal) || path.Contains("/" + StaticFolder, StringComparison.Ordinal) ? ImmutableAge : VersionAge)}";
    }
}
