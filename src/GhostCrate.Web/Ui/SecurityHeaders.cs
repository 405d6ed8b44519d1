using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Ui;

/// <summary>
/// Headers on every HTML response. The Content-Security-Policy allows scripts and styles from this origin only (every script is
/// a file under /assets, none inline), so even a README that slipped past the sanitiser could not run code. Images
/// may come from anywhere over http(s): READMEs show badges from shields.io and the like.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                var headers = response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
            }
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
