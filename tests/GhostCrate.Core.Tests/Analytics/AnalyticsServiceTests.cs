using GhostCrate.Core.Analytics;
using GhostCrate.Testing;

namespace GhostCrate.Core.Tests.Analytics;

public sealed class AnalyticsServiceTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    private sealed class FixedFigures(UsageFigures figures) : IUsageRepository
    {
        public (DateOnly From, DateOnly To, int Top)? Asked { get; private set; }

        public Task AddAsync(IReadOnlyCollection<UsageIncrement> counts, IReadOnlyCollection<ActorSighting> sightings, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<UsageFigures> ReadAsync(DateOnly from, DateOnly to, int topCrates, CancellationToken cancellationToken)
        {
            Asked = (from, to, topCrates);
            return Task.FromResult(figures);
        }
    }

    private static UsageFigures Empty => new([], [], [], [], 0, 0, [], 0, [], 0, []);

    [Fact]
    public async Task Every_day_of_the_period_is_listed_and_storage_runs_on_from_what_was_there_before()
    {
        var repository = new FixedFigures(Empty with
        {
            Publishes = [new DayBytes(Today.AddDays(-5), 2, 300), new DayBytes(Today, 1, 50)],
            PrivateBytesBefore = 1000,
            ProxyCached = [new DayBytes(Today.AddDays(-1), 1, 70)],
            ProxyBytesBefore = 5,
        });
        var service = new AnalyticsService(repository, new ManualTime(new DateTimeOffset(Today.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero)));

        var report = await service.GetAsync(AnalyticsPeriod.Week, CancellationToken.None);

        Assert.Equal((Today.AddDays(-6), Today, AnalyticsService.TopCrateCount), repository.Asked);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => Today.AddDays(i - 6)), report.Days.Select(d => d.Day));
        Assert.Equal([1000L, 1300, 1300, 1300, 1300, 1300, 1350], report.Days.Select(d => d.PrivateBytesTotal));
        Assert.Equal([5L, 5, 5, 5, 5, 75, 75], report.Days.Select(d => d.ProxyBytesTotal));
        Assert.Equal(3, report.Totals.Publishes);
        Assert.Equal(350, report.Totals.PrivateBytesAdded);
        Assert.Equal(1350, report.Totals.PrivateBytesTotal);
        Assert.Null(report.Totals.ProxyHitRatio);
    }

    [Fact]
    public async Task Hit_ratios_are_per_period_and_per_upstream()
    {
        var repository = new FixedFigures(Empty with
        {
            Counts =
            [
                new(Today.AddDays(-1), UsageKinds.ProxyHit, "crates-io", 6), new(Today, UsageKinds.ProxyMiss, "crates-io", 2),
                new(Today, UsageKinds.ProxyMiss, "internal", 2), new(Today, UsageKinds.MirrorDownload, UsageKinds.MirrorSource, 9),
            ],
        });
        var service = new AnalyticsService(repository, new ManualTime(new DateTimeOffset(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));

        var report = await service.GetAsync(AnalyticsPeriod.Month, CancellationToken.None);

        Assert.Equal(30, report.Days.Count);
        Assert.Equal(0.6, report.Totals.ProxyHitRatio);
        Assert.Equal(10, report.Totals.ProxiedDownloads);
        Assert.Equal(9, report.Totals.MirroredDownloads);
        Assert.Equal([new UpstreamUsage("crates-io", 6, 2, 0.75), new UpstreamUsage("internal", 0, 2, 0)], report.Upstreams);
        Assert.Equal(4, report.Days[^1].ProxiedDownloads);
    }

    [Theory]
    [InlineData(null, "30d")]
    [InlineData("", "30d")]
    [InlineData("7d", "7d")]
    [InlineData("90D", "90d")]
    public void Periods_parse(string? text, string expected)
    {
        Assert.True(AnalyticsPeriod.TryParse(text, out var period));
        Assert.Equal(expected, period.Name);
    }

    [Theory]
    [InlineData("1y")]
    [InlineData("7")]
    [InlineData(" 7d")]
    public void Unknown_periods_do_not_parse(string text) => Assert.False(AnalyticsPeriod.TryParse(text, out _));
}
