using System.Runtime.InteropServices;

namespace GhostCrate.Core.Threading;

/// <summary>
/// Counters kept in memory between two batched writes (download counts, usage analytics): a request adds under a plain
/// lock (an uncontended increment costs tens of nanoseconds) and never waits for the database; a flush takes the whole
/// dictionary in one swap, so no increment can slip between "read" and "remove", and puts it back when its write
/// fails, so a failed flush loses nothing. Flushes must take turns (the callers hold a semaphore): the dictionary a
/// flush took is recycled for the one after, instead of a new one growing through every size again once a second
/// (under download load each step is a new large-object array that only the oldest generation's collection frees).
/// </summary>
public sealed class PendingCounts<TKey> where TKey : notnull
{
    private readonly Lock _gate = new();
    private Dictionary<TKey, long> _pending = [];
    private Dictionary<TKey, long>? _spare;
    private DateTimeOffset _oldest;

    /// <summary>Adds <paramref name="count"/> to <paramref name="key"/>; <paramref name="at"/> dates the oldest pending count.</summary>
    public void Add(TKey key, DateTimeOffset at, long count = 1)
    {
        lock (_gate)
        {
            if (_pending.Count == 0) _oldest = at;
            CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _) += count;
        }
    }

    /// <summary>Distinct keys waiting for the next flush.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }

    /// <summary>
    /// Everything pending and when its oldest count was added, or null when nothing is. Hand the dictionary to
    /// <see cref="Stored"/> or <see cref="NotStored"/> when its write is done.
    /// </summary>
    public (Dictionary<TKey, long> Counts, DateTimeOffset Oldest)? Take()
    {
        lock (_gate)
        {
            if (_pending.Count == 0) return null;
            var taken = _pending;
            _pending = _spare ?? [];
            _spare = null;
            return (taken, _oldest);
        }
    }

    /// <summary>The taken counts were written: the dictionary is emptied and kept for the next flush.</summary>
    public void Stored(Dictionary<TKey, long> taken)
    {
        taken.Clear();
        lock (_gate) _spare = taken;
    }

    /// <summary>The write failed: the taken counts join what was added meanwhile, for the next flush.</summary>
    public void NotStored(Dictionary<TKey, long> taken, DateTimeOffset oldest)
    {
        lock (_gate)
        {
            if (_pending.Count == 0 || oldest < _oldest) _oldest = oldest;
            foreach (var (key, count) in taken) CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _) += count;
        }
        Stored(taken);
    }
}
