using GhostCrate.Core.Feeds;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using GhostCrate.Web.Contracts;
using GhostCrate.Web.Http;
using GhostCrate.Web.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Endpoints;

/// <summary>
/// Atom feeds (docs/notifications.md): new crates, every release, one crate's releases. Anonymous unless
/// Registry:AuthRequired; then a session or token, or `?token=` with the caller's feed token (feed readers send no
/// headers), which GET /api/v1/me/feeds hands out with ready-made URLs.
/// </summary>
public static class FeedEndpoints
{
    public const string NewCratesPath = "/feeds/crates.atom";
    public const string UpdatesPath = "/feeds/updates.atom";
    private const string AtomType = "application/atom+xml; charset=utf-8";

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        // XML, not JSON: left out of the OpenAPI document; GET /api/v1/me/feeds (below) documents where they are.
        app.MapGet(NewCratesPath, (HttpContext context, string? token, FeedService feeds) => RegistryFeedAsync(FeedKind.NewCrates, context, token, feeds)).ExcludeFromDescription();
        app.MapGet(UpdatesPath, (HttpContext context, string? token, FeedService feeds) => RegistryFeedAsync(FeedKind.Updates, context, token, feeds)).ExcludeFromDescription();
        app.MapGet("/feeds/crates/{name}.atom", CrateFeedAsync).ExcludeFromDescription();

        app.MapGet("/api/v1/me/feeds", MyFeedsAsync).WithTags(ApiDocs.AccountTag).Auth(ApiAuth.TokenOrSession)
            .Operation("getFeeds", "Atom feed URLs for the caller, with the feed token private registries need",
                "The token only reads feeds, as the caller would see them; a password change (or a reset, or a change of roles) retires it.")
            .Problems(401, 403);
        return app;
    }

    private static async Task<IResult> RegistryFeedAsync(FeedKind kind, HttpContext context, string? token, FeedService feeds)
    {
        var (reader, denied) = await ReaderAsync(context, token, feeds);
        if (denied is not null) return denied;
        return Atom(context, await feeds.RegistryAsync(kind, reader, context.RequestAborted));
    }

    private static async Task<IResult> CrateFeedAsync(string name, HttpContext context, string? token, FeedService feeds)
    {
        var (reader, denied) = await ReaderAsync(context, token, feeds);
        if (denied is not null) return denied;
        return await feeds.CrateAsync(name, reader, context.RequestAborted) is { } feed
            ? Atom(context, feed)
            : ApiResults.Problem(StatusCodes.Status404NotFound, $"crate `{name}` does not exist in this registry");
    }

    private static async Task<Results<Ok<FeedUrlsResponse>, ProblemHttpResult>> MyFeedsAsync(HttpContext context, FeedService feeds, IUserRepository users, RegistryUrls urls)
    {
        var (principal, problem) = await ApiCaller.RequireAsync(context);
        if (problem is not null) return problem;
        if (!principal!.CanManageAccount) return ApiResults.Problem(StatusCodes.Status403Forbidden, "a token limited to some endpoints or crates cannot hand out feed tokens; use an unscoped token or sign in");
        var user = await users.FindByIdAsync(principal.UserId, context.RequestAborted);
        if (user is null) return ApiResults.Problem(StatusCodes.Status401Unauthorized, "this account no longer exists");
        var token = feeds.TokenFor(user);
        var baseUrl = urls.BaseUrl(context.Request);
        var query = "?token=" + Uri.EscapeDataString(token);
        return TypedResults.Ok(new FeedUrlsResponse(token, baseUrl + NewCratesPath + query, baseUrl + UpdatesPath + query, baseUrl + "/feeds/crates/{name}.atom" + query));
    }

    /// <summary>Who reads: the usual caller, else the feed token's user; 401 only where the registry needs one.</summary>
    private static async Task<(Principal? Reader, IResult? Denied)> ReaderAsync(HttpContext context, string? token, FeedService feeds)
    {
        var caller = await context.GetCallerAsync();
        if (caller.Principal is { } principal) return (principal, null);
        if (!string.IsNullOrEmpty(token))
        {
            // A wrong or retired token is refused even where feeds are public: the reader should learn its URL is stale.
            return await feeds.ReaderAsync(token, context.RequestAborted) is { } reader
                ? (reader, null)
                : (null, ApiResults.Problem(StatusCodes.Status401Unauthorized, "this feed token is not valid (the password or the user's roles changed, or it was not made here); get a new feed URL from GET /api/v1/me/feeds"));
        }
        var authRequired = context.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value.AuthRequired;
        return authRequired
            ? (null, ApiResults.Problem(StatusCodes.Status401Unauthorized, "this registry requires authentication; add ?token= with your feed token (GET /api/v1/me/feeds)"))
            : (null, null);
    }

    private static IResult Atom(HttpContext context, Feed feed)
    {
        var urls = context.RequestServices.GetRequiredService<RegistryUrls>();
        var baseUrl = urls.BaseUrl(context.Request);
        var self = baseUrl + context.Request.Path;
        var displayName = context.RequestServices.GetRequiredService<Ui.Branding>().DisplayName;
        var body = AtomFeedWriter.Write(feed, baseUrl, self, displayName);
        var authRequired = context.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value.AuthRequired;
        // A private registry's feed is one reader's view; a public one may be cached briefly by anyone (Host-derived
        // URLs were already marked private by RegistryUrls).
        if (context.Response.Headers.CacheControl.Count == 0) context.Response.Headers.CacheControl = authRequired ? "private, no-cache" : "public, max-age=60";
        return Results.Bytes(body, AtomType);
    }
}
