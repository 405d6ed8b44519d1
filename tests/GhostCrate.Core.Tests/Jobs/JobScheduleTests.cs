using GhostCrate.Core.Jobs;

namespace GhostCrate.Core.Tests.Jobs;

public sealed class JobScheduleTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Theory]
    [InlineData(1, 0.0, 5_000)]
    [InlineData(1, 1.0, 10_000)]
    [InlineData(3, 1.0, 40_000)]
    [InlineData(3, 0.0, 20_000)]
    [InlineData(40, 1.0, 3_600_000)]
    public void Backoff_doubles_with_jitter_up_to_the_cap(int attempts, double random, double expectedMs) =>
        Assert.Equal(expectedMs, JobBackoff.Delay(attempts, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), random).TotalMilliseconds, precision: 3);

    [Fact]
    public void A_recurring_job_skips_missed_runs()
    {
        var job = new RecurringJob("r", "k", TimeSpan.FromMinutes(10));
        Assert.Equal(T0.AddMinutes(10), job.NextAfter(T0, T0));
        Assert.Equal(T0.AddMinutes(10), job.NextAfter(T0, T0.AddMinutes(9)));
        Assert.Equal(T0.AddMinutes(40), job.NextAfter(T0, T0.AddMinutes(35)));
        Assert.Equal(T0.AddMinutes(5), job.NextAfter(T0.AddMinutes(5), T0));
    }
}

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Evening = new(2026, 12, 5, 20, 15, 0, TimeSpan.Zero);

    [Fact]
    public void A_cron_job_runs_at_each_occurrence_and_skips_missed_ones()
    {
        var job = RecurringJob.OnCron("backup", "backup.create", CronSchedule.Parse("0 3 * * *", "UTC"));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero), job.FirstRunAfter(Evening));
        var due = new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal(due.AddDays(1), job.NextAfter(due, due));
        // Every node was down for three days: the next run is the next occurrence, not three runs in a row.
        Assert.Equal(due.AddDays(4), job.NextAfter(due, due.AddDays(3).AddHours(1)));
        Assert.Equal(due, job.NextAfter(due, Evening));
    }

    [Fact]
    public void A_time_zone_moves_the_occurrences_with_daylight_saving()
    {
        var cron = CronSchedule.Parse("0 3 * * *", "Europe/Berlin");
        // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 2, 0, 0, TimeSpan.Zero), cron.NextAfter(Evening).ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 7, 2, 1, 0, 0, TimeSpan.Zero), cron.NextAfter(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)).ToUniversalTime());
    }

    [Theory]
    [InlineData("0 3 * *", "UTC", "five-field")]
    [InlineData("61 3 * * *", "UTC", "five-field")]
    [InlineData("0 0 30 2 *", "UTC", "never falls due")]
    [InlineData("0 3 * * *", "Mars/Olympus", "time zone")]
    public void Bad_schedules_are_refused_with_the_reason(string text, string zone, string reason)
    {
        Assert.False(CronSchedule.TryParse(text, zone, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}

public sealed class BackupOptionsTests
{
    [Fact]
    public void A_schedule_needs_a_target_and_a_valid_expression()
    {
        Assert.Empty(Core.Options.BackupOptions.Validate(new() { Schedule = "0 3 * * *", Target = "/srv/backups", KeepLast = 7 }));
        Assert.Empty(Core.Options.BackupOptions.Validate(new()));
        Assert.Contains(Core.Options.BackupOptions.Validate(new() { Schedule = "0 3 * * *" }), e => e.StartsWith("Backup:Target is required", StringComparison.Ordinal));
        Assert.Contains(Core.Options.BackupOptions.Validate(new() { Schedule = "nightly", Target = "/x" }), e => e.StartsWith("Backup:Schedule", StringComparison.Ordinal));
        Assert.Contains(Core.Options.BackupOptions.Validate(new() { KeepLast = -1 }), e => e.StartsWith("Backup:KeepLast", StringComparison.Ordinal));
    }
}
