namespace GhostCrate.Core.Index;

/// <summary>
/// Every crate's updated_at as one sweep of <see cref="IndexFileCache"/> read it, keyed by a hash of the canonical name
/// instead of the name: at 100k crates a map of names held ~10 MB of strings for 30 s and left them to the GC's oldest
/// generation at every sweep, which is most of the map. Names whose hashes collide are recorded as ambiguous, so the
/// sweep vouches for none of them (they are rendered again once older than <see cref="IndexFileCache.MaxAge"/>).
/// </summary>
public sealed class CrateUpdateTimes
{
    private const long Ambiguous = long.MinValue;
    private readonly Dictionary<int, long> _ticks;
    private readonly Func<string, int> _hash;

    /// <param name="capacity">How many crates to expect (the previous sweep's count), so the map is not grown in steps.</param>
    /// <param name="hash">The name's hash; the default is the process's ordinal string hash. Tests pass their own.</param>
    public CrateUpdateTimes(int capacity, Func<string, int>? hash = null)
    {
        _ticks = new Dictionary<int, long>(capacity);
        _hash = hash ?? (name => name.GetHashCode(StringComparison.Ordinal));
    }

    public int Count => _ticks.Count;

    public void Add(string canonicalName, DateTimeOffset updatedAt)
    {
        var key = _hash(canonicalName);
        _ticks[key] = _ticks.ContainsKey(key) ? Ambiguous : updatedAt.UtcTicks;
    }

    /// <summary>Whether the sweep read exactly this updated_at for the crate (never for an ambiguous hash).</summary>
    public bool Recorded(string canonicalName, DateTimeOffset updatedAt) =>
        _ticks.TryGetValue(_hash(canonicalName), out var ticks) && ticks != Ambiguous && ticks == updatedAt.UtcTicks;
}
