using GhostCrate.Core.Analytics;
using GhostCrate.Data.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Data.Tests;

/// <summary>The analytics' daily counters and sightings, and the figures read from versions, downloads and the proxy cache.</summary>
public abstract class UsageAnalyticsTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static readonly DateOnly Day0 = DateOnly.FromDateTime(T0.UtcDateTime);

    private IUsageRepository Usage => Db.Ports.Usage;

    private static DateTimeOffset At(DateOnly day, int hour = 12) => new(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);

    [Fact]
    public async Task Counts_add_up_per_day_and_sightings_count_once()
    {
        await Usage.AddAsync(
            [new(Day0, UsageKinds.ProxyHit, "crates-io", 3), new(Day0, UsageKinds.ProxyMiss, "crates-io", 1), new(Day0.AddDays(1), UsageKinds.MirrorDownload, UsageKinds.MirrorSource, 2)],
            [new(Day0, ActorKind.User, 1), new(Day0, ActorKind.Token, 10), new(Day0.AddDays(1), ActorKind.User, 1), new(Day0.AddDays(1), ActorKind.User, 2)],
            Ct);
        await Usage.AddAsync(
            [new(Day0, UsageKinds.ProxyHit, "crates-io", 4), new(Day0, UsageKinds.ProxyHit, "other", 1)],
            [new(Day0, ActorKind.User, 1), new(Day0, ActorKind.Token, 11)],
            Ct);

        var figures = await Usage.ReadAsync(Day0, Day0.AddDays(1), 10, Ct);

        Assert.Equal(
            [
                new UsageIncrement(Day0, UsageKinds.ProxyHit, "crates-io", 7),
                new UsageIncrement(Day0, UsageKinds.ProxyHit, "other", 1),
                new UsageIncrement(Day0, UsageKinds.ProxyMiss, "crates-io", 1),
                new UsageIncrement(Day0.AddDays(1), UsageKinds.MirrorDownload, UsageKinds.MirrorSource, 2),
            ],
            figures.Counts);
        Assert.Equal([new DayCount(Day0, 1), new DayCount(Day0.AddDays(1), 2)], figures.ActiveUsers);
        Assert.Equal([new DayCount(Day0, 2)], figures.ActiveTokens);
        Assert.Equal(2, figures.DistinctUsers);
        Assert.Equal(2, figures.DistinctTokens);

        var secondDay = await Usage.ReadAsync(Day0.AddDays(1), Day0.AddDays(1), 10, Ct);
        Assert.Equal([UsageKinds.MirrorDownload], secondDay.Counts.Select(c => c.Kind));
        Assert.Equal(0, secondDay.DistinctTokens);
    }

    [Fact]
    public async Task Two_nodes_flushing_the_same_day_at_once_add_up()
    {
        var clock = new FixedClock(At(Day0));
        var nodes = new[] { Db.Ports, Db.Open() }
            .Select(db => new UsageCounter(db.Usage, clock, NullLogger<UsageCounter>.Instance)).ToArray();
        for (var round = 0; round < 5; round++)
        {
            foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
            {
                for (var k = 0; k <= i; k++) node.Record(UsageKinds.ProxyHit, "crates-io");
                node.Record(UsageKinds.ProxyMiss, "crates-io");
                node.Seen(ActorKind.User, 7);
                node.Seen(ActorKind.Token, 70 + i);
            }
            var flushed = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.FlushAsync(Ct), Ct)));
            Assert.All(flushed, Assert.True);
        }

        var figures = await Usage.ReadAsync(Day0, Day0, 10, Ct);
        Assert.Equal([(UsageKinds.ProxyHit, 15L), (UsageKinds.ProxyMiss, 10L)], figures.Counts.Select(c => (c.Kind, c.Count)));
        Assert.Equal([new DayCount(Day0, 1)], figures.ActiveUsers);
        Assert.Equal([new DayCount(Day0, 2)], figures.ActiveTokens);
        Assert.Equal(3, await Db.CountRowsAsync("usage_daily_actors", Ct));
    }

    [Fact]
    public async Task Sightings_of_more_than_one_chunk_are_all_stored()
    {
        var many = Enumerable.Range(1, 2 * Data.Analytics.UsageRepository.SightingsPerChunk + 7).Select(i => new ActorSighting(Day0, ActorKind.Token, i)).ToList();

        await Usage.AddAsync([], many, Ct);

        var figures = await Usage.ReadAsync(Day0, Day0, 10, Ct);
        Assert.Equal(many.Count, figures.DistinctTokens);
        Assert.Equal([new DayCount(Day0, many.Count)], figures.ActiveTokens);
    }

    [Fact]
    public async Task Publishes_storage_and_top_crates_come_from_what_the_registry_stores()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("old", "1.0.0", alice.Id, At(Day0.AddDays(-1), 23)));
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id, At(Day0, 0)));
        await PublishAsync(NewVersion("foo", "1.1.0", alice.Id, At(Day0, 23)));
        await PublishAsync(NewVersion("bar", "1.0.0", alice.Id, At(Day0.AddDays(1))));
        await PublishAsync(NewVersion("late", "1.0.0", alice.Id, At(Day0.AddDays(2), 0)));
        async Task<long> IdOf(string name, string version) => (await Crates.FindVersionAsync(name, version, Ct))!.Id;
        await DownloadStats.AddAsync(
            [
                new(await IdOf("foo", "1.0.0"), Day0, 2), new(await IdOf("foo", "1.1.0"), Day0.AddDays(1), 3),
                new(await IdOf("bar", "1.0.0"), Day0.AddDays(1), 4), new(await IdOf("old", "1.0.0"), Day0, 1),
                new(await IdOf("old", "1.0.0"), Day0.AddDays(-1), 100), new(await IdOf("late", "1.0.0"), Day0.AddDays(2), 100),
            ], Ct);
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "serde", "1.0.0", 500, new string('b', 64), At(Day0.AddDays(-3)), Ct);
        await Db.Ports.ProxyCache.RecordCrateFileAsync("crates-io", "rand", "0.8.0", 70, new string('c', 64), At(Day0.AddDays(1)), Ct);

        var figures = await Usage.ReadAsync(Day0, Day0.AddDays(1), 2, Ct);

        Assert.Equal([new DayCount(Day0, 3), new DayCount(Day0.AddDays(1), 7)], figures.PrivateDownloads);
        Assert.Equal([new DayBytes(Day0, 2, 2 * 1234), new DayBytes(Day0.AddDays(1), 1, 1234)], figures.Publishes);
        Assert.Equal(1234, figures.PrivateBytesBefore);
        Assert.Equal([new DayBytes(Day0.AddDays(1), 1, 70)], figures.ProxyCached);
        Assert.Equal(500, figures.ProxyBytesBefore);
        // foo 5, bar 4, old 1 (its 100 fall before the range, late's after it); the limit keeps two.
        Assert.Equal([new CrateDownloadTotal("foo", 5), new CrateDownloadTotal("bar", 4)], figures.TopCrates);
    }

    [Fact]
    public async Task An_empty_registry_reads_as_zeros()
    {
        var figures = await Usage.ReadAsync(Day0, Day0.AddDays(89), 10, Ct);

        Assert.Empty(figures.Counts);
        Assert.Empty(figures.PrivateDownloads);
        Assert.Empty(figures.Publishes);
        Assert.Empty(figures.TopCrates);
        Assert.Equal(0, figures.PrivateBytesBefore);
        Assert.Equal(0, figures.DistinctUsers);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class SqliteUsageAnalyticsTests(SqliteLane lane) : UsageAnalyticsTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresUsageAnalyticsTests(PostgresLane lane) : UsageAnalyticsTests(lane), IClassFixture<PostgresLane>;
