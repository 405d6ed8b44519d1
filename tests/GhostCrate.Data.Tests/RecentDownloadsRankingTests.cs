using GhostCrate.Core.Catalog;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Downloads;
using GhostCrate.Core.Search;
using GhostCrate.Data.Tests.Infrastructure;

namespace GhostCrate.Data.Tests;

/// <summary>
/// Issue 23: within a relevance group, search ranks by recent downloads (crates.io's last 90 days; migration 0031),
/// then all-time downloads; the window moves as days pass, on both databases.
/// </summary>
public abstract class RecentDownloadsRankingTests(IDatabaseLane lane) : DatabaseTest(lane)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private long _alice;

    private async Task<long> CrateAsync(string name, string description)
    {
        if (_alice == 0) _alice = (await CreateUserAsync("alice")).Id;
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion(name, "1.0.0", _alice, description: description, searchText: $"{name} {description}"))).Status);
        return (await Crates.FindVersionAsync(name, "1.0.0", Ct))!.Id;
    }

    private async Task<string[]> UiAsync(string q) => (await Catalog.SearchAsync(SearchQuery.Parse(q), CrateSort.Relevance, 0, 50, Ct)).Crates.Select(c => c.Name).ToArray();

    private async Task<string[]> CargoAsync(string q) => (await Crates.SearchAsync(q, 0, 50, Ct)).Crates.Select(c => c.Name).ToArray();

    [Fact]
    public async Task An_old_heavy_crate_ranks_below_a_recently_busy_one_of_equal_relevance()
    {
        var heavy = await CrateAsync("acme-old-heavy", "parser");
        var busy = await CrateAsync("acme-busy", "parser");
        // 10,000 downloads long ago (outside the 90 days), 20 this week.
        await DownloadStats.AddAsync([new DownloadIncrement(heavy, Today.AddDays(-200), 10_000), new DownloadIncrement(heavy, Today.AddDays(-95), 500)], Ct);
        await DownloadStats.AddAsync([new DownloadIncrement(busy, Today.AddDays(-3), 12), new DownloadIncrement(busy, Today, 8)], Ct);
        // What the hourly job does: on a new database every day counts until the window is first placed.
        Assert.True(await DownloadStats.MoveRecentWindowAsync(RecentDownloadsWindowHandler.WindowStart(DateTimeOffset.UtcNow), Ct));

        // Both names start with "acme" (the same group): recent downloads decide, whatever the all-time totals.
        Assert.Equal(["acme-busy", "acme-old-heavy"], await CargoAsync("acme"));
        Assert.Equal(["acme-busy", "acme-old-heavy"], await UiAsync("acme"));
        // Both hold "parser" in their text only: the same rule in the last group.
        Assert.Equal(["acme-busy", "acme-old-heavy"], await CargoAsync("parser"));
        // The explicit "most downloaded" sort stays all-time.
        Assert.Equal(["acme-old-heavy", "acme-busy"], (await Catalog.SearchAsync(SearchQuery.Parse("acme"), CrateSort.Downloads, 0, 50, Ct)).Crates.Select(c => c.Name));
        // The relevance groups still come first: an exact name with no downloads beats both.
        await CrateAsync("acme", "the umbrella");
        Assert.Equal(["acme", "acme-busy", "acme-old-heavy"], await CargoAsync("acme"));
    }

    [Fact]
    public async Task Days_that_leave_the_window_stop_counting_once_it_moves_and_a_second_move_changes_nothing()
    {
        var fading = await CrateAsync("acme-fading", "x");
        var steady = await CrateAsync("acme-steady", "x");
        await DownloadStats.AddAsync([new DownloadIncrement(fading, Today.AddDays(-80), 100)], Ct);
        await DownloadStats.AddAsync([new DownloadIncrement(steady, Today.AddDays(-10), 30), new DownloadIncrement(steady, Today.AddDays(-200), 1)], Ct);
        // Before the window is first placed (a new database), every day counts: 100 against 31.
        Assert.Equal(["acme-fading", "acme-steady"], await CargoAsync("acme"));

        // 20 days later the fading crate's downloads are 100 days old; steady's 30 are 30 days old.
        var later = Today.AddDays(20);
        Assert.True(await DownloadStats.MoveRecentWindowAsync(RecentDownloadsWindowHandler.WindowStart(new DateTimeOffset(later.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)), Ct));
        Assert.False(await Db.Open().DownloadStats.MoveRecentWindowAsync(later.AddDays(-89), Ct));
        Assert.Equal(["acme-steady", "acme-fading"], await CargoAsync("acme"));
        Assert.Equal(["acme-steady", "acme-fading"], await UiAsync("acme"));

        // Far later nothing is recent: all-time downloads decide again (fading 100 against steady 31).
        Assert.True(await DownloadStats.MoveRecentWindowAsync(Today.AddDays(400), Ct));
        Assert.Equal(["acme-fading", "acme-steady"], await CargoAsync("acme"));
    }

    [Fact]
    public async Task A_deleted_versions_recent_downloads_leave_its_crate()
    {
        var a = await CrateAsync("acme-a", "x");
        var b = await CrateAsync("acme-b", "x");
        Assert.Equal(PublishWriteStatus.Published, (await PublishAsync(NewVersion("acme-b", "2.0.0", _alice, description: "x", searchText: "acme-b x"))).Status);
        var b2 = (await Crates.FindVersionAsync("acme-b", "2.0.0", Ct))!.Id;
        await DownloadStats.AddAsync([new DownloadIncrement(a, Today, 10), new DownloadIncrement(b, Today, 5), new DownloadIncrement(b2, Today, 20)], Ct);
        Assert.Equal(["acme-b", "acme-a"], await CargoAsync("acme"));

        Assert.NotNull(await Db.Ports.Deletions.DeleteAsync(new Core.Deletion.DeletionRequest("acme-b", "2.0.0", Protocol.Versioning.SemVersion.Parse("2.0.0").Key, "admin", null, DateTimeOffset.UtcNow), Ct));
        // acme-b keeps 5 recent downloads against acme-a's 10 (its all-time total still counts the deleted version).
        Assert.Equal(["acme-a", "acme-b"], await CargoAsync("acme"));
    }
}

public sealed class SqliteRecentDownloadsRankingTests(SqliteLane lane) : RecentDownloadsRankingTests(lane), IClassFixture<SqliteLane>;

public sealed class PostgresRecentDownloadsRankingTests(PostgresLane lane) : RecentDownloadsRankingTests(lane), IClassFixture<PostgresLane>;
