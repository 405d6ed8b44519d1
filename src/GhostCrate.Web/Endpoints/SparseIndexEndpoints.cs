using GhostCrate.Core.Crates;
using GhostCrate.Core.Index;
using GhostCrate.Core.Options;
using GhostCrate.Protocol.Index;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

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
        index.MapMethods("/config.json", ReadMethods.GetAndHead, (HttpContext context, RegistryUrls urls, IOptions<RegistryOptions> options) =>
        {
            var baseUrl = urls.BaseUrl(context.Request);
            var config = new RegistryConfig(baseUrl + "/api/v1/crates", baseUrl, options.Value.AuthRequired);
            IndexFileResponses.SetConfigCacheControl(context, options.Value);
            return TypedResults.Ok(config);
        }).WithTags(ApiDocs.IndexTag).Auth(ApiAuth.Read)
            .Operation("getIndexConfig", "The registry's config.json: where cargo downloads crates and calls the API")
            .CargoErrors(401)
            .ResponseExample(200, """{"dl":"https://crates.example.com/api/v1/crates","api":"https://crates.example.com"}""");

        // The hot path of every cargo build: files (and their ETag and Last-Modified text) come from IndexFileCache,
        // and headers are set from those precomputed strings, so a warm request or a 304 allocates almost nothing.
        index.MapMethods("/{**path}", ReadMethods.GetAndHead, async (string path, HttpContext context, SparseIndexService service, CrateAccess access, IOptions<RegistryOptions> options) =>
        {
            if (!IndexPath.TryParse(path, out var name) || name is null)
            {
                return CargoResults.Error(StatusCodes.Status404NotFound, $"`{path}` is not an index file path");
            }
            // A restricted crate (auth-required mode) does not exist for callers without a grant on it.
            var file = await access.CanReadAsync(name, (await context.GetCallerAsync()).Principal, context.RequestAborted) ? await service.GetAsync(name, context.RequestAborted) : null;
            if (file is null) return CargoResults.Error(StatusCodes.Status404NotFound, $"crate `{name}` does not exist in this registry");

            return IndexFileResponses.Answer(context, options.Value, file);
        }).ExcludeFromDescription(); // A file per crate (JSON lines), not a JSON API: see Cargo's registry-index reference.
        return app;
    }
}
