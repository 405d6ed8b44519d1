namespace GhostCrate.Core.Jobs;

/// <summary>
/// A job queued every <paramref name="Interval"/> (or on the occurrences of <see cref="Cron"/>, see
/// <see cref="OnCron"/>) by whichever node claims the run first (see <see cref="JobScheduler"/>). <paramref name="Name"/>
/// identifies the schedule in the database; keep it stable.
/// </summary>
public sealed record RecurringJob(string Name, string Kind, TimeSpan Interval, string Payload = "{}")
{
    /// <summary>When set, runs fall on this cron schedule's occurrences instead of every <see cref="Interval"/>.</summary>
    public CronSchedule? Cron { get; private init; }

    /// <summary>A job queued at each occurrence of <paramref name="cron"/>.</summary>
    public static RecurringJob OnCron(string name, string kind, CronSchedule cron, string payload = "{}") =>
        new(name, kind, TimeSpan.Zero, payload) { Cron = cron };

    /// <summary>The first run of a schedule that a node starts with at <paramref name="now"/>.</summary>
    public DateTimeOffset FirstRunAfter(DateTimeOffset now) => Cron is { } cron ? cron.NextAfter(now) : now + CheckedInterval;

    /// <summary>The first run time after <paramref name="now"/> on this schedule's grid that starts at <paramref name="due"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset due, DateTimeOffset now)
    {
        if (due > now) return due;
        // Missed runs (every node was down) are skipped, not replayed one after another.
        if (Cron is { } cron) return cron.NextAfter(now);
        var missed = (now - due).Ticks / CheckedInterval.Ticks;
        return due + TimeSpan.FromTicks(CheckedInterval.Ticks * (missed + 1));
    }

    private TimeSpan CheckedInterval =>
        Interval > TimeSpan.Zero ? Interval : throw new InvalidOperationException($"Recurring job {Name} needs a positive interval.");
}
