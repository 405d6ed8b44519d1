using GhostCrate.Core.Docs;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Docs;

/// <summary>
/// GET /docs/{crate}/{version}/{path}: the stored rustdoc files, with the sandbox headers of <see cref="DocsResponses"/>;
/// /docs/{crate}/latest/... redirects to the newest non-yanked version with docs. With Docs:Origin set, requests on
/// the registry's own origin are redirected there. The listing /docs/{crate} is a page (Pages/Docs).
/// </summary>
public static class DocsServing
{
    public static IEndpointRouteBuilder MapDocsFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/docs/{name}/{version}/{**path}", ["GET", "HEAD"], ServeAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ServeAsync(string name, string version, string? path, HttpContext context, DocsReader reader,
        IOptions<DocsOptions> docsOptions, IOptions<RegistryOptions> registryOptions)
    {
        var request = context.Request;
        if (OtherOrigin(docsOptions.Value, request) is { } elsewhere)
            return Results.Redirect(elsewhere + request.Path + request.QueryString);

        // Without a trailing slash the page's relative links would resolve one folder too high.
        if (string.IsNullOrEmpty(path) && !request.Path.Value!.EndsWith('/'))
            return Results.Redirect(request.PathBase + request.Path + "/" + request.QueryString);

        var caller = await context.GetCallerAsync();
        var authRequired = registryOptions.Value.AuthRequired;
        if (authRequired && caller.Principal is null)
        {
            // A browser on the registry's origin signs in and comes back; anything else gets a plain 401.
            if (docsOptions.Value.Origin is not { Length: > 0 } && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
                return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(request.Path + request.QueryString));
            return Text(StatusCodes.Status401Unauthorized, "this registry requires authentication: sign in, or send an API token in the Authorization header");
        }

        var lookup = await reader.OpenAsync(name, version, path ?? "", caller.Principal, context.RequestAborted);
        if (lookup.Redirect is { } location)
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Redirect(location + request.QueryString, lookup.Permanent);
        }
        if (lookup.File is not { } file) return Text(StatusCodes.Status404NotFound, lookup.Problem ?? "not found");

        var filePath = path ?? "";
        DocsResponses.SetFileHeaders(context, filePath, file.ContentType, file.ETag, shared: !authRequired);
        if (Http.EntityTags.IfNoneMatchNames(request, file.ETag))
        {
            await file.Content.DisposeAsync();
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        if (file.Yanked && file.ContentType == DocsContentTypes.Html && file.Content.Length <= YankedBanner.MaxRewrittenBytes)
        {
            byte[] html;
            await using (file.Content)
            {
                using var buffer = new MemoryStream();
                await file.Content.Stream.CopyToAsync(buffer, context.RequestAborted);
                html = buffer.ToArray();
            }
            context.Response.Headers["X-GhostCrate-Yanked"] = "true";
            return Results.Bytes(YankedBanner.Insert(html, name, version, DocsPaths.Crate(name) + "/latest/"), file.ContentType);
        }
        context.Response.ContentLength = file.Content.Length;
        return Results.Stream(file.Content.Stream, file.ContentType, lastModified: file.Content.LastModified);
    }

    /// <summary>The docs origin, when one is configured and this request came to another host.</summary>
    internal static string? OtherOrigin(DocsOptions options, HttpRequest request)
    {
        if (options.Origin is not { Length: > 0 } origin) return null;
        var uri = new Uri(origin);
        return string.Equals(request.Host.Value, uri.Authority, StringComparison.OrdinalIgnoreCase) ? null : origin.TrimEnd('/');
    }

    private static IResult Text(int status, string message) => Results.Text(message + "\n", "text/plain; charset=utf-8", statusCode: status);
}
