using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GhostCrate.Web.Metrics;

/// <summary>
/// The fast paths answer before routing, so ASP.NET Core's request-duration histogram would see them with no
/// `http.route` at all. They label their requests with the template of the endpoint they stand in for, so a fast and
/// a routed answer of the same request land in one series. The feature only exists while the hosting meter has a
/// listener (Metrics:Enabled), and the tags are built once: nothing is allocated per request.
/// </summary>
internal static class FastPathRoutes
{
    private static readonly KeyValuePair<string, object?> Index = new("http.route", "/index/{**path}");
    private static readonly KeyValuePair<string, object?> Download = new("http.route", "/api/v1/crates/{name}/{version}/download");

    // One tag per proxy mount, made on its first request: the route template routing gives the mount's endpoint.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, KeyValuePair<string, object?>> MountIndex = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, KeyValuePair<string, object?>> MountDownload = new(StringComparer.Ordinal);

    public static void TagIndex(HttpContext context) => context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(Index);

    public static void TagMountIndex(HttpContext context, string mount)
    {
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } feature)
            feature.Tags.Add(MountIndex.GetOrAdd(mount, static m => new("http.route", $"/{m}/index/{{**path}}")));
    }

    public static void TagMountDownload(HttpContext context, string mount)
    {
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } feature)
            feature.Tags.Add(MountDownload.GetOrAdd(mount, static m => new("http.route", $"/{m}/api/v1/crates/{{name}}/{{version}}/download")));
    }

    public static void TagDownload(HttpContext context) => context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(Download);
}
