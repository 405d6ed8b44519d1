using System.Text.Json.Serialization;
using GhostCrate.Core.Analytics;

namespace GhostCrate.Web.Contracts;

// The JSON of GET /api/v1/admin/analytics (docs/analytics.md): typed records, so the OpenAPI document can describe it.
// Days are UTC dates (yyyy-MM-dd); bytes are .crate file sizes.

/// <summary>Usage of the registry over <see cref="Period"/>: the days from <see cref="From"/> to <see cref="To"/> (UTC, inclusive).</summary>
public sealed record AnalyticsResponse(
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("from")] DateOnly From,
    [property: JsonPropertyName("to")] DateOnly To,
    [property: JsonPropertyName("totals")] AnalyticsTotalsJson Totals,
    [property: JsonPropertyName("days")] IReadOnlyList<AnalyticsDayJson> Days,
    [property: JsonPropertyName("top_crates")] IReadOnlyList<TopCrateJson> TopCrates,
    [property: JsonPropertyName("upstreams")] IReadOnlyList<UpstreamUsageJson> Upstreams)
{
    public static AnalyticsResponse Of(AnalyticsReport report) => new(
        report.Period.Name,
        report.From,
        report.To,
        AnalyticsTotalsJson.Of(report.Totals),
        report.Days.Select(AnalyticsDayJson.Of).ToList(),
        report.TopCrates.Select(c => new TopCrateJson(c.Crate, c.Downloads)).ToList(),
        report.Upstreams.Select(u => new UpstreamUsageJson(u.Upstream, u.Hits, u.Misses, u.HitRatio)).ToList());
}

/// <summary>
/// Sums over the period; active_users and active_tokens are distinct over the whole period. proxy_hit_ratio is
/// hits / (hits + misses), null without proxied downloads.
/// </summary>
public sealed record AnalyticsTotalsJson(
    [property: JsonPropertyName("private_downloads")] long PrivateDownloads,
    [property: JsonPropertyName("proxied_downloads")] long ProxiedDownloads,
    [property: JsonPropertyName("mirrored_downloads")] long MirroredDownloads,
    [property: JsonPropertyName("publishes")] long Publishes,
    [property: JsonPropertyName("active_users")] long ActiveUsers,
    [property: JsonPropertyName("active_tokens")] long ActiveTokens,
    [property: JsonPropertyName("proxy_hits")] long ProxyHits,
    [property: JsonPropertyName("proxy_misses")] long ProxyMisses,
    [property: JsonPropertyName("proxy_hit_ratio")] double? ProxyHitRatio,
    [property: JsonPropertyName("private_bytes_added")] long PrivateBytesAdded,
    [property: JsonPropertyName("private_bytes_total")] long PrivateBytesTotal,
    [property: JsonPropertyName("proxy_cache_bytes_added")] long ProxyBytesAdded,
    [property: JsonPropertyName("proxy_cache_bytes_total")] long ProxyBytesTotal)
{
    public static AnalyticsTotalsJson Of(AnalyticsTotals t) => new(
        t.PrivateDownloads, t.ProxiedDownloads, t.MirroredDownloads, t.Publishes, t.ActiveUsers, t.ActiveTokens,
        t.ProxyHits, t.ProxyMisses, t.ProxyHitRatio, t.PrivateBytesAdded, t.PrivateBytesTotal, t.ProxyBytesAdded, t.ProxyBytesTotal);
}

/// <summary>One UTC day; the *_bytes_total fields are what was stored at the end of it.</summary>
public sealed record AnalyticsDayJson(
    [property: JsonPropertyName("date")] DateOnly Date,
    [property: JsonPropertyName("private_downloads")] long PrivateDownloads,
    [property: JsonPropertyName("proxied_downloads")] long ProxiedDownloads,
    [property: JsonPropertyName("mirrored_downloads")] long MirroredDownloads,
    [property: JsonPropertyName("proxy_hits")] long ProxyHits,
    [property: JsonPropertyName("proxy_misses")] long ProxyMisses,
    [property: JsonPropertyName("publishes")] long Publishes,
    [property: JsonPropertyName("active_users")] long ActiveUsers,
    [property: JsonPropertyName("active_tokens")] long ActiveTokens,
    [property: JsonPropertyName("private_bytes_added")] long PrivateBytesAdded,
    [property: JsonPropertyName("private_bytes_total")] long PrivateBytesTotal,
    [property: JsonPropertyName("proxy_cache_bytes_added")] long ProxyBytesAdded,
    [property: JsonPropertyName("proxy_cache_bytes_total")] long ProxyBytesTotal)
{
    public static AnalyticsDayJson Of(AnalyticsDay d) => new(
        d.Day, d.PrivateDownloads, d.ProxiedDownloads, d.MirroredDownloads, d.ProxyHits, d.ProxyMisses, d.Publishes,
        d.ActiveUsers, d.ActiveTokens, d.PrivateBytesAdded, d.PrivateBytesTotal, d.ProxyBytesAdded, d.ProxyBytesTotal);
}

/// <summary>A private crate and its downloads in the period.</summary>
public sealed record TopCrateJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("downloads")] long Downloads);

/// <summary>One proxied upstream's .crate downloads in the period.</summary>
public sealed record UpstreamUsageJson(
    [property: JsonPropertyName("upstream")] string Upstream,
    [property: JsonPropertyName("hits")] long Hits,
    [property: JsonPropertyName("misses")] long Misses,
    [property: JsonPropertyName("hit_ratio")] double? HitRatio);
