namespace GhostCrate.Core.Jobs;

/// <summary>
/// A job queued every <paramref name="Interval"/> by whichever node claims the run first (see
/// <see cref="JobScheduler"/>). <paramref name="Name"/> identifies the schedule in the database; keep it stable.
/// </summary>
public sealed record RecurringJob(string Name, string Kind, TimeSpan Interval, string Payload = "{}")
{
    /// <summary>The first run time after <paramref name="now"/> on this schedule's grid that starts at <paramref name="due"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset due, DateTimeOffset now)
    {
        if (Interval <= TimeSpan.Zero) throw new InvalidOperationException($"Recurring job {Name} needs a positive interval.");
        if (due > now) return due;
        // Missed runs (every node was down) are skipped, not replayed one after another.
        var missed = (now - due).Ticks / Interval.Ticks;
        return due + TimeSpan.FromTicks(Interval.Ticks * (missed + 1));
    }
}
