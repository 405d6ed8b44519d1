namespace GhostCrate.Testing;

/// <summary>A clock the test moves by hand; timers (CancellationTokenSource deadlines) fire when it passes them.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _scheduleWaiters = [];
    private DateTimeOffset _now = start;

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers wait for the clock (are set and not yet fired): a test
    /// advances the clock only after the code under test has set its timer, or the timer would start after the move.
    /// </summary>
    public Task WhenScheduledAsync(int count = 1)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Scheduled() >= count) return Task.CompletedTask;
            _scheduleWaiters.Add((count, reached));
        }
        return reached.Task;
    }

    // Under _gate.
    private int Scheduled() => _timers.Count(t => t.DueAt is not null);

    // Under _gate.
    private void SignalScheduled()
    {
        var now = Scheduled();
        foreach (var waiter in _scheduleWaiters.Where(w => w.Count <= now).ToList())
        {
            _scheduleWaiters.Remove(waiter);
            waiter.Reached.TrySetResult();
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _timers.Where(t => t.DueAt is { } at && at <= _now).ToList();
            foreach (var t in due) t.DueAt = null;
        }
        foreach (var t in due) t.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualTime owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                if (!owner._timers.Contains(this)) owner._timers.Add(this);
                owner.SignalScheduled();
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
