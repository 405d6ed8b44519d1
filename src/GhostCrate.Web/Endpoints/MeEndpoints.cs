using System.Net;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The `login_url` cargo shows for `cargo login` and in auth-required challenges. Until the web UI lands it explains
/// how to get a token from an administrator.
/// </summary>
public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/me", (HttpContext context, RegistryUrls urls) =>
        {
            var index = WebUtility.HtmlEncode($"sparse+{urls.BaseUrl(context.Request)}/index/");
            var html = $$"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>GhostCrate: get an API token</title></head>
                <body style="font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
                <h1>Get an API token</h1>
                <p>Ask an administrator to run <code>ghostcrate admin token create --user YOUR-NAME</code>, then:</p>
                <pre>cargo login --registry ghostcrate</pre>
                <p>with this in <code>.cargo/config.toml</code>:</p>
                <pre>[registries.ghostcrate]
                index = "{{index}}"</pre>
                </body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        });
        return app;
    }
}
