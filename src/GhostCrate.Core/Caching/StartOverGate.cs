namespace GhostCrate.Core.Caching;

/// <summary>
/// The bound of the per-node memories on the download and index paths: when one is full it starts over (a cheap bound
/// with no bookkeeping per hit), but at most once per <see cref="Interval"/>; in between, misses are served and not
/// kept. Starting over at every fill threw the whole memory to the GC's oldest generation each time another fill's
/// worth of misses came in, and a memory smaller than what clients cycle through (a registry's every file read by a
/// mirror or a fresh CI cache) was emptied again and again, so nearly every request missed (bench/README.md).
/// </summary>
public sealed class StartOverGate(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const long Never = long.MinValue;

    private long _last = Never;

    /// <summary>True for one caller when the memory may start over now (then the caller empties it).</summary>
    public bool TryStartOver()
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _last);
        if (last != Never && now - last < Interval.Ticks) return false;
        return Interlocked.CompareExchange(ref _last, now, last) == last;
    }
}
