using GhostCrate.Core.Backup;

namespace GhostCrate.Core.Tests.Backup;

/// <summary>Grandfather-father-son retention on fixed dates (UTC days, ISO weeks, months).</summary>
public sealed class BackupRetentionTests
{
    /// <summary>A nightly backup at 03:00 UTC from 2026-10-01 to 2026-12-05, plus a second one on 2026-12-05 at 15:00.</summary>
    private static List<(string Id, DateTimeOffset CreatedAt)> Nightly()
    {
        var list = new List<(string, DateTimeOffset)>();
        for (var day = new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero); day <= new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.Zero); day = day.AddDays(1))
            list.Add((Id(day), day));
        var afternoon = new DateTimeOffset(2026, 12, 5, 15, 0, 0, TimeSpan.Zero);
        list.Add((Id(afternoon), afternoon));
        return list;
    }

    private static string Id(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Daily_keeps_the_newest_backup_of_each_of_the_last_days()
    {
        var kept = new BackupRetention(Daily: 3).Select(Nightly());
        Assert.Equal(["20261205T150000Z", "20261204T030000Z", "20261203T030000Z"], kept);
    }

    [Fact]
    public void Weekly_keeps_the_newest_of_each_iso_week()
    {
        // 2026-12-05 is a Saturday in ISO week 49; the weeks before end on Sundays 29 Nov and 22 Nov.
        var kept = new BackupRetention(Weekly: 3).Select(Nightly());
        Assert.Equal(["20261205T150000Z", "20261129T030000Z", "20261122T030000Z"], kept);
    }

    [Fact]
    public void Monthly_keeps_the_newest_of_each_month_and_stops_at_the_oldest_available()
    {
        var kept = new BackupRetention(Monthly: 6).Select(Nightly());
        Assert.Equal(["20261205T150000Z", "20261130T030000Z", "20261031T030000Z"], kept);
    }

    [Fact]
    public void The_rules_add_up_and_a_backup_kept_by_several_is_listed_once()
    {
        var kept = new BackupRetention(Last: 2, Daily: 2, Weekly: 2, Monthly: 2).Select(Nightly());
        Assert.Equal(["20261205T150000Z", "20261205T030000Z", "20261204T030000Z", "20261130T030000Z", "20261129T030000Z"], kept);
    }

    [Fact]
    public void A_policy_that_keeps_nothing_or_counts_below_zero_is_refused()
    {
        Assert.NotNull(new BackupRetention().Problem);
        Assert.NotNull(new BackupRetention(Daily: -1, Weekly: 3).Problem);
        Assert.Null(new BackupRetention(Monthly: 1).Problem);
        Assert.Equal("the newest 2, 7 daily, 12 monthly", new BackupRetention(Last: 2, Daily: 7, Monthly: 12).ToString());
    }
}
