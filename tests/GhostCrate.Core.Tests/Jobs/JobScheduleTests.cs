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
