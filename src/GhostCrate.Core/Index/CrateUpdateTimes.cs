namespace GhostCrate.Core.Index;

/// <summary>
/// Every crate's updated_at as one sweep of <see cref="IndexFileCache"/> read it, keyed by a hash of the canonical name
/// instead of the name: at 100k crates a map of names held ~10 MB of strings for 30 s and left them to the GC's oldest
/// generation at every sweep, which is most of the map. Names whose hashes collide are recorded as ambiguous, so the
/// sweep vouches for none of them (they are rendered again once older than <see cref="IndexFileCache.MaxAge"/>).
/// <para>
/// The map is split in <see cref="Shards"/> small ones, each under the runtime's large-object threshold (85,000 bytes)
/// up to about a million crates. In one piece it was, at 100k crates, ~2.8 MB of large objects every 30 s (and more
/// for the first sweep, which grew it step by step): large objects are freed only by collections of the oldest
/// generation and their free space is not compacted, which left the process's peak memory ~20 MB higher
/// (bench/README.md).
/// </para>
/// </summary>
public sealed class CrateUpdateTimes
{
    /// <summary>How many small maps the hashes are spread over (by their lowest bits).</summary>
    public const int Shards = 512;

    private const long Ambiguous = long.MinValue;
    private readonly Dictionary<int, long>[] _shards = new Dictionary<int, long>[Shards];
    private readonly Func<string, int> _hash;

    /// <param name="capacity">How many crates to expect (the previous sweep's count), so the maps are not grown in steps.</param>
    /// <param name="hash">The name's hash; the default is the process's ordinal string hash. Tests pass their own.</param>
    public CrateUpdateTimes(int capacity, Func<string, int>? hash = null)
    {
        // A little room over an even share: the shares differ by a few percent at 100k crates.
        var perShard = capacity <= 0 ? 0 : capacity / Shards + capacity / Shards / 8 + 4;
        for (var i = 0; i < Shards; i++) _shards[i] = new Dictionary<int, long>(perShard);
        _hash = hash ?? (name => name.GetHashCode(StringComparison.Ordinal));
    }

    public int Count { get; private set; }

    public void Add(string canonicalName, DateTimeOffset updatedAt)
    {
        var key = _hash(canonicalName);
        var shard = ShardOf(key);
        if (shard.ContainsKey(key))
        {
            shard[key] = Ambiguous;
            return;
        }
        shard[key] = updatedAt.UtcTicks;
        Count++;
    }

    /// <summary>Whether the sweep read exactly this updated_at for the crate (never for an ambiguous hash).</summary>
    public bool Recorded(string canonicalName, DateTimeOffset updatedAt)
    {
        var key = _hash(canonicalName);
        return ShardOf(key).TryGetValue(key, out var ticks) && ticks != Ambiguous && ticks == updatedAt.UtcTicks;
    }

    private Dictionary<int, long> ShardOf(int key) => _shards[key & (Shards - 1)];
}
