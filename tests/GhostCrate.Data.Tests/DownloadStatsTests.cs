using GhostCrate.Core.Downloads;
using GhostCrate.Data.Downloads;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

public abstract class DownloadStatsTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static readonly DateOnly Day0 = new(2026, 3, 1);

    private async Task<(long V1, long V2)> TwoVersionsAsync()
    {
        var alice = await CreateUserAsync("alice");
        await PublishAsync(NewVersion("foo", "1.0.0", alice.Id));
        await PublishAsync(NewVersion("foo", "1.1.0", alice.Id));
        return ((await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.Id, (await Crates.FindVersionAsync("foo", "1.1.0", Ct))!.Id);
    }

    [Fact]
    public async Task Batches_add_to_day_rows_and_to_both_totals()
    {
        var (v1, v2) = await TwoVersionsAsync();

        Assert.Equal(6, await DownloadStats.AddAsync([new(v1, Day0, 2), new(v2, Day0, 1), new(v1, Day0.AddDays(1), 3)], Ct));
        Assert.Equal(5, await DownloadStats.AddAsync([new(v1, Day0, 4), new(v2, Day0.AddDays(1), 1)], Ct));

        var crate = (await Crates.FindAsync("foo", Ct))!;
        Assert.Equal(11, crate.Downloads);
        Assert.Equal(9, (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.Downloads);
        Assert.Equal(2, (await Crates.FindVersionAsync("foo", "1.1.0", Ct))!.Downloads);
        var rows = await DownloadStats.ListDailyAsync(crate.Id, Day0, Day0.AddDays(1), Ct);
        Assert.Equal(
            [
                new DailyVersionDownloads(v1, "1.0.0", Day0, 6),
                new DailyVersionDownloads(v2, "1.1.0", Day0, 1),
                new DailyVersionDownloads(v1, "1.0.0", Day0.AddDays(1), 3),
                new DailyVersionDownloads(v2, "1.1.0", Day0.AddDays(1), 1),
            ],
            rows);
    }

    [Fact]
    public async Task Range_is_inclusive_and_per_crate()
    {
        var (v1, _) = await TwoVersionsAsync();
        var alice = (await Users.FindByNameAsync("alice", Ct))!;
        await PublishAsync(NewVersion("bar", "1.0.0", alice.Id));
        var bar = (await Crates.FindVersionAsync("bar", "1.0.0", Ct))!.Id;
        await DownloadStats.AddAsync([new(v1, Day0.AddDays(-1), 1), new(v1, Day0, 2), new(v1, Day0.AddDays(2), 3), new(v1, Day0.AddDays(3), 4), new(bar, Day0, 5)], Ct);
        var crate = (await Crates.FindAsync("foo", Ct))!;

        var rows = await DownloadStats.ListDailyAsync(crate.Id, Day0, Day0.AddDays(2), Ct);

        Assert.Equal([(Day0, 2L), (Day0.AddDays(2), 3L)], rows.Select(r => (r.Day, r.Downloads)));
    }

    [Fact]
    public async Task One_batch_adds_to_each_crate_its_own_versions_and_repeated_pairs_add_up()
    {
        var (v1, v2) = await TwoVersionsAsync();
        var alice = (await Users.FindByNameAsync("alice", Ct))!;
        await PublishAsync(NewVersion("bar", "1.0.0", alice.Id));
        var bar = (await Crates.FindVersionAsync("bar", "1.0.0", Ct))!.Id;

        Assert.Equal(17, await DownloadStats.AddAsync([new(v1, Day0, 1), new(bar, Day0, 7), new(v2, Day0, 2), new(bar, Day0, 3), new(v1, Day0.AddDays(1), 4)], Ct));

        Assert.Equal(7, (await Crates.FindAsync("foo", Ct))!.Downloads);
        Assert.Equal(10, (await Crates.FindAsync("bar", Ct))!.Downloads);
        Assert.Equal(10, (await Crates.FindVersionAsync("bar", "1.0.0", Ct))!.Downloads);
        var barRows = await DownloadStats.ListDailyAsync((await Crates.FindAsync("bar", Ct))!.Id, Day0, Day0, Ct);
        Assert.Equal([(bar, 10L)], barRows.Select(r => (r.VersionId, r.Downloads)));
    }

    [Fact]
    public async Task A_batch_larger_than_one_chunk_is_written_in_full()
    {
        var (v1, v2) = await TwoVersionsAsync();
        // Unknown versions first (negative ids sort first), so the known ones land in the last of several chunks.
        var unknown = Enumerable.Range(1, 3_000).Select(i => new DownloadIncrement(-i, Day0, 1));
        var batch = unknown.Append(new(v1, Day0, 2)).Append(new(v2, Day0, 3)).Append(new(v1, Day0.AddDays(1), 4)).ToList();
        Assert.True(DownloadStatsRepository.JsonChunks(batch).Count() > 2);

        Assert.Equal(9, await DownloadStats.AddAsync(batch, Ct));

        Assert.Equal(9, (await Crates.FindAsync("foo", Ct))!.Downloads);
        Assert.Equal(6, (await Crates.FindVersionAsync("foo", "1.0.0", Ct))!.Downloads);
        Assert.Equal(3, await Db.CountRowsAsync("version_downloads", Ct));
    }

    [Fact]
    public async Task Unknown_versions_are_skipped()
    {
        var (v1, _) = await TwoVersionsAsync();

        Assert.Equal(2, await DownloadStats.AddAsync([new(v1, Day0, 2), new(999_999, Day0, 7)], Ct));
        Assert.Equal(0, await DownloadStats.AddAsync([new(999_999, Day0, 7)], Ct));

        Assert.Equal(2, (await Crates.FindAsync("foo", Ct))!.Downloads);
        Assert.Equal(1, await Db.CountRowsAsync("version_downloads", Ct));
    }

    [Fact]
    public async Task Concurrent_flushes_from_two_nodes_add_up()
    {
        var (v1, v2) = await TwoVersionsAsync();
        var second = Db.Open();

        var work = Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? DownloadStats : second.DownloadStats)
            .AddAsync([new(v1, Day0, 1), new(v2, Day0, 2)], Ct), Ct)).ToList();
        await Task.WhenAll(work);

        Assert.Equal(30, (await Crates.FindAsync("foo", Ct))!.Downloads);
        var rows = await DownloadStats.ListDailyAsync((await Crates.FindAsync("foo", Ct))!.Id, Day0, Day0, Ct);
        Assert.Equal([10L, 20L], rows.Select(r => r.Downloads));
    }
}

public sealed class SqliteDownloadStatsTests(SqliteLane lane) : DownloadStatsTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresDownloadStatsTests(PostgresLane lane) : DownloadStatsTests(lane), IClassFixture<PostgresLane>;
