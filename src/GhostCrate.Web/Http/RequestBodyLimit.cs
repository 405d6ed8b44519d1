using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GhostCrate.Web.Http;

/// <summary>
/// A route's own bound on its request body, in place of the server's default (ServeCommand.DefaultMaxRequestBodyBytes,
/// 1 MiB). Set before the body is read; Kestrel then answers a larger body with 413 itself. Routes whose inputs may be
/// larger than the default (publish, docs uploads, lock files) must raise it, or Kestrel refuses them before the
/// route's own check and documented limit ever apply.
/// </summary>
public static class RequestBodyLimit
{
    public static void Set(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
    }
}
