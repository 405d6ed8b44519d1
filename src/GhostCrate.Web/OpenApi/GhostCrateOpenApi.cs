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
    public const string DocumentPath = "/api/openapi.json";
    public const string ReferencePath = "/api/docs";

    public static IServiceCollection AddGhostCrateOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<GhostCrateDocumentTransformer>();
            options.AddOperationTransformer<GhostCrateOperationTransformer>();
        });

    public static IEndpointRouteBuilder MapGhostCrateOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapGet(ReferencePath, (AssetCatalog assets) => ApiReferencePage.Render(assets)).ExcludeFromDescription();
        return app;
    }
}
