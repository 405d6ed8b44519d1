namespace GhostCrate.Core.Proxy;

/// <summary>
/// When a background drain that follows a build's requests (<see cref="ProxyWriteBehind"/>, <see cref="CachedCrateFollowUp"/>)
/// may work: only once nothing new arrived for <see cref="QuietPeriod"/>. A cold build's files come in a burst on the
/// cores that answer them and run cargo; the database writes, syncs and unpacks that follow them, worked during the
/// burst, take their CPU from the very requests they follow. Bounded, so a steady stream still gets its work done:
/// after <see cref="MaxHoldBack"/> of holding back, or when the owner says so (<see cref="Hurry"/>: a caller waits for
/// the queue, memory fills up), the drain works without pausing until its queue is empty.
/// <para>
/// Not thread-safe: every member but <see cref="WaitAsync"/> is called under the owner's lock, which also guards the
/// owner's queue. A wake returned by <see cref="Hurry"/> is completed after that lock is released.
/// </para>
/// </summary>
internal sealed class QuietHold(TimeProvider time)
{
    /// <summary>
    /// How long nothing new must have arrived before the drain works: longer than the gaps between the requests of one
    /// build (cargo keeps its connections busy, so they are milliseconds), short enough that another node, the status
    /// page and a finished build's flags follow within a second.
    /// </summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    /// <summary>The longest the drain holds back for arrivals before it works the whole queue regardless.</summary>
    public static readonly TimeSpan MaxHoldBack = TimeSpan.FromSeconds(5);

    // Whole quiet periods the drain waits at most. Counted in timer waits, not read from the clock, so a wall-clock
    // jump cannot stretch or skip it.
    private static readonly int MaxHeldPeriods = (int)Math.Ceiling(MaxHoldBack / QuietPeriod);

    private long _arrivals; // items ever queued: a change since the drain last looked means the build is still fetching
    private long _seen; // the arrivals count when the drain last looked
    private int _held; // quiet periods waited in a row
    private bool _hurry; // work without holding back until the queue is empty
    private bool _stopping; // the owner is disposed: never hold back again
    private TaskCompletionSource? _wake; // completed to end the drain's current wait early

    /// <summary>Under the owner's lock: an item was queued.</summary>
    public void Arrived() => _arrivals++;

    /// <summary>Under the owner's lock: work without pausing until the queue is empty; the wait to end early (complete it after the lock), if any.</summary>
    public TaskCompletionSource? Hurry()
    {
        _hurry = true;
        return _wake;
    }

    /// <summary>Under the owner's lock: whether <see cref="Hurry"/> is in force.</summary>
    public bool Hurrying => _hurry;

    /// <summary>Under the owner's lock: the owner is stopping; nothing is held back from now on.</summary>
    public void Stop() => _stopping = true;

    /// <summary>Under the owner's lock: the queue is empty and the drain ends; the next one holds back again.</summary>
    public void Emptied() => _hurry = false;

    /// <summary>
    /// Under the owner's lock, with something queued: null when the drain may take work now, else the wake of a wait
    /// to pass to <see cref="WaitAsync"/> (after the lock) before it looks again.
    /// </summary>
    public Task? MustWait()
    {
        if (_hurry || _stopping || _arrivals == _seen)
        {
            _held = 0;
            return null;
        }
        if (_held >= MaxHeldPeriods)
        {
            // A steady stream: the work has waited long enough; the queue is worked without pausing.
            _hurry = true;
            _held = 0;
            return null;
        }
        // Something arrived since the last look: the build is still fetching. Look again after a quiet period.
        _seen = _arrivals;
        _held++;
        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _wake.Task;
    }

    /// <summary>Under the owner's lock, after <see cref="WaitAsync"/>: the wait is over.</summary>
    public void Woke() => _wake = null;

    /// <summary>One quiet period, or less when the wake is completed (<see cref="Hurry"/>).</summary>
    public async Task WaitAsync(Task wake)
    {
        using var stop = new CancellationTokenSource();
        var delay = Task.Delay(QuietPeriod, time, stop.Token);
        await Task.WhenAny(delay, wake);
        await stop.CancelAsync(); // frees the timer of a wait that was woken early
    }
}
