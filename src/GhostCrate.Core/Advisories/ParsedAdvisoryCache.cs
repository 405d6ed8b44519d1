using System.Collections.Concurrent;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Stored advisory texts parsed once per node instead of on every crate page, version API call or lock-file audit.
/// Keyed by the text itself, so it never needs invalidating: a sync that changes an advisory stores a new text, which
/// is a new key, and every node (they share one database) reads the same texts. Bounded: when full it starts over,
/// which costs one parse per advisory still in use.
/// </summary>
public sealed class ParsedAdvisoryCache(int capacity = ParsedAdvisoryCache.DefaultCapacity)
{
    /// <summary>Above the size of the whole RustSec database (about 1,200 advisories), so a node keeps all of it.</summary>
    public const int DefaultCapacity = 4096;

    private readonly ConcurrentDictionary<string, AdvisoryParseResult> parsed = new(StringComparer.Ordinal);

    public int Count => parsed.Count;

    public AdvisoryParseResult Parse(string text)
    {
        if (parsed.TryGetValue(text, out var known)) return known;
        var result = AdvisoryParser.Parse(text);
        if (parsed.Count >= capacity) parsed.Clear();
        parsed.TryAdd(text, result);
        return result;
    }
}
