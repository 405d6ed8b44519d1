namespace GhostCrate.Core.Analytics;

/// <summary>Usage of the registry over a period: one row per UTC day (<see cref="Days"/>, oldest first) and the period's totals.</summary>
public sealed record AnalyticsReport(
    AnalyticsPeriod Period,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<AnalyticsDay> Days,
    AnalyticsTotals Totals,
    IReadOnlyList<CrateDownloadTotal> TopCrates,
    IReadOnlyList<UpstreamUsage> Upstreams);

/// <summary>
/// One UTC day. Downloads by where they were served: private crates, the pull-through proxy (cache hits plus misses),
/// the offline mirror. Active users and tokens: distinct ones that authenticated that day. Bytes: .crate files stored
/// that day and the total stored at the end of it (private crates; the proxy cache's .crate files).
/// </summary>
public sealed record AnalyticsDay(
    DateOnly Day,
    long PrivateDownloads,
    long ProxiedDownloads,
    long MirroredDownloads,
    long ProxyHits,
    long ProxyMisses,
    long Publishes,
    long ActiveUsers,
    long ActiveTokens,
    long PrivateBytesAdded,
    long PrivateBytesTotal,
    long ProxyBytesAdded,
    long ProxyBytesTotal);

/// <summary>
/// The period's sums. <see cref="ActiveUsers"/> and <see cref="ActiveTokens"/> count distinct ones over the whole
/// period (not a sum of the days). <see cref="ProxyHitRatio"/> is hits / (hits + misses), null without proxied downloads.
/// </summary>
public sealed record AnalyticsTotals(
    long PrivateDownloads,
    long ProxiedDownloads,
    long MirroredDownloads,
    long Publishes,
    long ActiveUsers,
    long ActiveTokens,
    long ProxyHits,
    long ProxyMisses,
    double? ProxyHitRatio,
    long PrivateBytesAdded,
    long PrivateBytesTotal,
    long ProxyBytesAdded,
    long ProxyBytesTotal);

/// <summary>One upstream's proxied downloads over the period.</summary>
public sealed record UpstreamUsage(string Upstream, long Hits, long Misses, double? HitRatio);
