using GhostCrate.Web.Http;
using GhostCrate.Web.Ui.Assets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace GhostCrate.Web.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the JSON API at /api/openapi.json, derived from the endpoints' typed results and
/// metadata (<see cref="ApiDocs"/>), and the interactive reference at /api/docs (Swagger UI, vendored). Both are
/// public: they describe the software, not the registry's data.
/// </summary>
public static class GhostCrateOpenApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/api/openapi.json";
    public const string ReferencePath = "/api/docs";

    public static IServiceCollection AddGhostCrateOpenApi(this IServiceCollection services)
    {
        services.AddSingleton<OpenApiDocumentCache>();
        return services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<GhostCrateDocumentTransformer>();
            options.AddOperationTransformer<GhostCrateOperationTransformer>();
        });
    }

    public static IEndpointRouteBuilder MapGhostCrateOpenApi(this IEndpointRouteBuilder app)
    {
        // Rendered once (OpenApiDocumentCache) rather than by MapOpenApi on every request; revalidated by ETag.
        app.MapMethods(DocumentPath, [HttpMethods.Get, HttpMethods.Head], async (HttpContext context, OpenApiDocumentCache cache, RegistryUrls urls) =>
        {
            var (body, etag) = (await cache.GetAsync()).Render(urls.BaseUrl(context.Request));
            context.Response.Headers.ETag = etag;
            // `servers` names the request's Host without Registry:PublicUrl: then only this client may keep it.
            context.Response.Headers.CacheControl = urls.FromRequestHost ? "private, no-cache" : "public, no-cache";
            if (EntityTags.IfNoneMatchNames(context.Request, etag)) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Bytes(body, "application/json; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapGet(ReferencePath, (AssetCatalog assets) => ApiReferencePage.Render(assets)).ExcludeFromDescription();
        return app;
    }
}
