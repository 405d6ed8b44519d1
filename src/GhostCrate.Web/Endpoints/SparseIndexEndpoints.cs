using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Protocol.Index;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// The sparse index (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol). Cargo revalidates
/// every file with If-None-Match/If-Modified-Since, so strong ETags and cheap 304s matter more than anything here.
/// </summary>
public static class SparseIndexEndpoints
{
    public static IEndpointRouteBuilder MapSparseIndex(this IEndpointRouteBuilder app)
    {
        var index = app.MapGroup("/index").AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        // https://doc.rust-lang.org/cargo/reference/registry-index.html#index-configuration
        index.MapGet("/config.json", (HttpContext context, RegistryUrls urls, IOptions<RegistryOptions> options) =>
        {
            var baseUrl = urls.BaseUrl(context.Request);
            var config = new RegistryConfig(baseUrl + "/api/v1/crates", baseUrl, options.Value.AuthRequired);
            SetCacheControl(context, options.Value);
            return Results.Json(config);
        });

        index.MapGet("/{**path}", async (string path, HttpContext context, SparseIndexService service, IOptions<RegistryOptions> options, CancellationToken ct) =>
        {
            if (!IndexPath.TryParse(path, out var name) || name is null)
            {
                return CargoResults.Error(StatusCodes.Status404NotFound, $"`{path}` is not an index file path");
            }
            var file = await service.GetAsync(name, ct);
            if (file is null) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` does not exist in this registry");

            SetCacheControl(context, options.Value);
            var headers = context.Response.GetTypedHeaders();
            headers.ETag = EntityTagHeaderValue.Parse(file.ETag);
            headers.LastModified = file.LastModified;
            if (NotModified(context.Request, file)) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(file.Content, "text/plain; charset=utf-8");
        });
        return app;
    }

    /// <summary>RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since is only consulted without it.</summary>
    private static bool NotModified(HttpRequest request, IndexFile file)
    {
        var typed = request.GetTypedHeaders();
        if (typed.IfNoneMatch is { Count: > 0 } tags)
        {
            return tags.Any(t => t.Tag == "*" || (!t.IsWeak && t.Tag == file.ETag) || (t.IsWeak && t.Tag == file.ETag));
        }
        return typed.IfModifiedSince is { } since && file.LastModified <= since;
    }

    /// <summary>
    /// Clients may keep a copy but must revalidate it on every use (`no-cache`), so a publish or yank is seen at once.
    /// Behind auth-required, shared caches must not keep it at all.
    /// </summary>
    private static void SetCacheControl(HttpContext context, RegistryOptions options) =>
        context.Response.Headers.CacheControl = options.AuthRequired ? "private, no-cache" : "public, no-cache";
}
