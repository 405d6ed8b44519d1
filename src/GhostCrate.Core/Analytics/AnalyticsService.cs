namespace GhostCrate.Core.Analytics;

/// <summary>The administrators' usage report (the /admin/analytics page and /api/v1/admin/analytics).</summary>
public sealed class AnalyticsService(IUsageRepository repository, TimeProvider time)
{
    /// <summary>How many crates the "top crates" list holds.</summary>
    public const int TopCrateCount = 10;

    /// <summary>The report of <paramref name="period"/>, ending today (UTC). The caller checks that the viewer is an administrator.</summary>
    public async Task<AnalyticsReport> GetAsync(AnalyticsPeriod period, CancellationToken cancellationToken)
    {
        var to = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - period.Days);
        var figures = await repository.ReadAsync(from, to, TopCrateCount, cancellationToken);

        long CountOf(DateOnly day, string kind) => figures.Counts.Where(c => c.Day == day && c.Kind == kind).Sum(c => c.Count);
        var privateDownloads = figures.PrivateDownloads.ToDictionary(d => d.Day, d => d.Count);
        var users = figures.ActiveUsers.ToDictionary(d => d.Day, d => d.Count);
        var tokens = figures.ActiveTokens.ToDictionary(d => d.Day, d => d.Count);
        var publishes = figures.Publishes.ToDictionary(d => d.Day);
        var cached = figures.ProxyCached.ToDictionary(d => d.Day);

        var days = new List<AnalyticsDay>(period.Days);
        long privateBytes = figures.PrivateBytesBefore, proxyBytes = figures.ProxyBytesBefore;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var hits = CountOf(day, UsageKinds.ProxyHit);
            var misses = CountOf(day, UsageKinds.ProxyMiss);
            var published = publishes.GetValueOrDefault(day);
            var proxied = cached.GetValueOrDefault(day);
            privateBytes += published?.Bytes ?? 0;
            proxyBytes += proxied?.Bytes ?? 0;
            days.Add(new AnalyticsDay(
                day,
                PrivateDownloads: privateDownloads.GetValueOrDefault(day),
                ProxiedDownloads: hits + misses,
                MirroredDownloads: CountOf(day, UsageKinds.MirrorDownload),
                ProxyHits: hits,
                ProxyMisses: misses,
                Publishes: published?.Count ?? 0,
                ActiveUsers: users.GetValueOrDefault(day),
                ActiveTokens: tokens.GetValueOrDefault(day),
                PrivateBytesAdded: published?.Bytes ?? 0,
                PrivateBytesTotal: privateBytes,
                ProxyBytesAdded: proxied?.Bytes ?? 0,
                ProxyBytesTotal: proxyBytes));
        }

        var totalHits = days.Sum(d => d.ProxyHits);
        var totalMisses = days.Sum(d => d.ProxyMisses);
        var totals = new AnalyticsTotals(
            PrivateDownloads: days.Sum(d => d.PrivateDownloads),
            ProxiedDownloads: days.Sum(d => d.ProxiedDownloads),
            MirroredDownloads: days.Sum(d => d.MirroredDownloads),
            Publishes: days.Sum(d => d.Publishes),
            ActiveUsers: figures.DistinctUsers,
            ActiveTokens: figures.DistinctTokens,
            ProxyHits: totalHits,
            ProxyMisses: totalMisses,
            ProxyHitRatio: Ratio(totalHits, totalMisses),
            PrivateBytesAdded: days.Sum(d => d.PrivateBytesAdded),
            PrivateBytesTotal: privateBytes,
            ProxyBytesAdded: days.Sum(d => d.ProxyBytesAdded),
            ProxyBytesTotal: proxyBytes);

        var upstreams = figures.Counts
            .Where(c => c.Kind is UsageKinds.ProxyHit or UsageKinds.ProxyMiss)
            .GroupBy(c => c.Source, StringComparer.Ordinal)
            .Select(g =>
            {
                var hits = g.Where(c => c.Kind == UsageKinds.ProxyHit).Sum(c => c.Count);
                var misses = g.Where(c => c.Kind == UsageKinds.ProxyMiss).Sum(c => c.Count);
                return new UpstreamUsage(g.Key, hits, misses, Ratio(hits, misses));
            })
            .OrderBy(u => u.Upstream, StringComparer.Ordinal)
            .ToList();

        return new AnalyticsReport(period, from, to, days, totals, figures.TopCrates, upstreams);
    }

    private static double? Ratio(long hits, long misses) => hits + misses == 0 ? null : (double)hits / (hits + misses);
}
