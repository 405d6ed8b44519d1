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

    public static void TagIndex(HttpContext context) => context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(Index);

    public static void TagDownload(HttpContext context) => context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(Download);
}
