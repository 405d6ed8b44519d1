using GhostCrate.Core.Options;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Policy;
using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Client;
using GhostCrate.Protocol.Index;
using GhostCrate.Web.Auth;
using GhostCrate.Protocol.Api;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using CargoError = Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<GhostCrate.Protocol.Api.CargoErrorResponse>;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// One read-only sparse registry per upstream, mounted at /{name}/ (e.g. /crates-io/index/), for cargo's
/// `[source.crates-io] replace-with` (https://doc.rust-lang.org/cargo/reference/source-replacement.html).
/// Cargo's envelope on every error; upstream failures are 502 with a sentence saying what is missing.
/// </summary>
public static class ProxyEndpoints
{
    public static IEndpointRouteBuilder MapProxyMounts(this IEndpointRouteBuilder app)
    {
        foreach (var upstream in app.ServiceProvider.GetRequiredService<UpstreamRegistries>().All)
        {
            MapMount(app, upstream);
        }
        return app;
    }

    private static void MapMount(IEndpointRouteBuilder app, Upstream upstream)
    {
        var mount = app.MapGroup("/" + upstream.Name).AddEndpointFilter(CargoAuthentication.RequireReadAccess);

        // Downloads point at us, never at the upstream: that is what makes the cache shared and outage-proof.
        // The mount's files (config.json, index files, .crate downloads) are cargo's, not a JSON API: not in the OpenAPI document.
        mount.MapMethods("/index/config.json", ReadMethods.GetAndHead, (HttpContext context, RegistryUrls urls, IOptions<RegistryOptions> options) =>
        {
            var root = $"{urls.BaseUrl(context.Request)}/{upstream.Name}";
            IndexFileResponses.SetConfigCacheControl(context, options.Value);
            return Results.Json(new RegistryConfig(root + "/api/v1/crates", root, options.Value.AuthRequired));
        }).ExcludeFromDescription();

        mount.MapMethods("/index/{**path}", ReadMethods.GetAndHead, async (string path, HttpContext context, ProxyIndexService index, IOptions<RegistryOptions> options) =>
        {
            if (!IndexPath.TryParse(path, out var name))
                return CargoResults.Error(StatusCodes.Status404NotFound, $"`{path}` is not an index file path");
            var result = await index.GetAsync(upstream, name, revalidate: false, context.RequestAborted);
            return ProxyIndexAnswers.Of(context, options.Value, upstream, name, result);
        }).ExcludeFromDescription();

        // The `dl` of our config.json: {root}/api/v1/crates/{crate}/{version}/download.
        mount.MapGet("/api/v1/crates/{name}/{version}/download", async (string name, string version, HttpContext context, ProxyDownloadService downloads,
            DownloadPolicy policy, ProxyQuarantine quarantine, IOptions<RegistryOptions> options) =>
        {
            // Refused before anything is fetched: a blocked or quarantined version never reaches the cache.
            if ((await policy.CheckAsync(Core.Advisories.VersionSources.Proxy(upstream.Name), name, version, context.RequestAborted)
                 ?? await quarantine.CheckAsync(upstream, name, version, context.RequestAborted)) is { } refused)
                return CargoResults.Error(StatusCodes.Status403Forbidden, refused.Detail);
            var download = await downloads.OpenAsync(upstream, name, version, context.RequestAborted);
            return ProxyDownloadAnswers.Of(context, options.Value, download);
        }).ExcludeFromDescription();

        // https://doc.rust-lang.org/cargo/reference/registry-web-api.html#search, forwarded.
        mount.MapGet("/api/v1/crates", async Task<Results<Ok<SearchResponse>, CargoError>> (string? q, int? per_page, int? page, HttpContext context, ProxySearchService search) =>
        {
            var query = (q ?? "").Trim();
            if (query.Length > ProxySearchService.MaxQueryLength) query = query[..ProxySearchService.MaxQueryLength];
            var perPage = Math.Clamp(per_page ?? SearchService.DefaultPerPage, 1, SearchService.MaxPerPage);
            var found = await search.SearchAsync(upstream, query, perPage, Math.Max(page ?? 1, 1), context.RequestAborted);
            return found.Status == FetchStatus.Ok
                ? TypedResults.Ok(found.Response!)
                : CargoResults.Error(StatusCodes.Status502BadGateway, $"the search of upstream `{upstream.Name}` failed: {found.Error}");
        }).WithTags(ApiDocs.ProxyTag).Auth(ApiAuth.Read)
            .Operation($"searchUpstream_{OperationIdPart(upstream.Name)}", $"Search the upstream `{upstream.Name}` (cargo search against the proxy's mount)")
            .CargoErrors(401, 502);

        // Not an operation: the mount is read-only, so every other API route answers 404 in Cargo's envelope.
        mount.Map("/api/v1/{**rest}", (string? rest) => CargoResults.Error(StatusCodes.Status404NotFound,
            $"`/{upstream.Name}/api/v1/{rest}` is not available: `{upstream.Name}` is a read-only mirror of an upstream registry; publish, yank and owner changes go to the upstream itself, private crates to this server's /index/ registry"));
    }

    /// <summary>Upstream names may hold characters an operationId should not (e.g. '.'); those become '_'.</summary>
    private static string OperationIdPart(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
