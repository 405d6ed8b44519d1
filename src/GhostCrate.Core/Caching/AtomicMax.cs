namespace GhostCrate.Core.Caching;

/// <summary>A value that only goes up, raised from several threads without a lock.</summary>
internal static class AtomicMax
{
    /// <summary>Sets <paramref name="target"/> to <paramref name="value"/> unless it already holds as much or more (another thread got further first).</summary>
    public static void Raise(ref long target, long value)
    {
        long seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
