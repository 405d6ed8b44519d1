using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using GhostCrate.Protocol.Json;

namespace GhostCrate.Protocol.Index;

/// <summary>
/// Reads and writes single index lines (https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema).
/// Output is deterministic: the same entry always renders to the same bytes, so index files hash and
/// cache (ETag) stably.
/// </summary>
public static class IndexLineWriter
{
    public static string Serialize(IndexEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return JsonSerializer.Serialize(Normalize(entry), ProtocolJson.Options);
    }

    /// <exception cref="JsonException">The line is not a valid index entry.</exception>
    public static IndexEntry Deserialize(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var entry = JsonSerializer.Deserialize<IndexEntry>(line, ProtocolJson.Options)
            ?? throw new JsonException("an index line must be a JSON object, not null");
        return Normalize(entry);
    }

    public static bool TryDeserialize(string line, [NotNullWhen(true)] out IndexEntry? entry)
    {
        try
        {
            entry = Deserialize(line);
            return true;
        }
        catch (JsonException)
        {
            entry = null;
            return false;
        }
    }

    /// <summary>Re-renders a stored line with `yanked` changed; every other field is kept as it was.</summary>
    /// <remarks>
    /// Every index file render calls this for each of its lines, so a line that already carries the wanted flag is
    /// returned as stored (parsing and re-serialising every line was ~12 % of the CPU of a render; bench/README.md).
    /// The text test is exact for lines <see cref="Serialize"/> wrote: `yanked` is a top-level member that is always
    /// written, no nested object has one, and a quote inside a string is always escaped, so no string can contain
    /// the member's text.
    /// </remarks>
    public static string WithYanked(string indexJson, bool yanked)
    {
        ArgumentNullException.ThrowIfNull(indexJson);
        if (indexJson.Contains(yanked ? YankedTrue : YankedFalse, StringComparison.Ordinal)) return indexJson;
        return Serialize(Deserialize(indexJson) with { Yanked = yanked });
    }

    private const string YankedTrue = "\"yanked\":true";
    private const string YankedFalse = "\"yanked\":false";

    /// <summary>
    /// Sorts feature maps ordinally and replaces JSON nulls in collections with empty ones, so entries built
    /// by hand or read back from storage render identically.
    /// </summary>
    private static IndexEntry Normalize(IndexEntry entry) => entry with
    {
        Deps = entry.Deps?.Select(NormalizeDependency).ToList() ?? [],
        Features = Sorted(entry.Features) ?? new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal),
        Features2 = entry.Features2 is { Count: > 0 } ? Sorted(entry.Features2) : null,
    };

    private static IndexDependency NormalizeDependency(IndexDependency dep) =>
        dep is null
            ? throw new JsonException("an index line has a null dependency")
            : dep with { Features = dep.Features ?? [] };

    private static SortedDictionary<string, IReadOnlyList<string>>? Sorted(IReadOnlyDictionary<string, IReadOnlyList<string>>? map)
    {
        if (map is null) return null;
        if (map is SortedDictionary<string, IReadOnlyList<string>> { Comparer: var c } sorted && ReferenceEquals(c, StringComparer.Ordinal))
            return sorted;
        var result = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in map) result[k] = v ?? [];
        return result;
    }
}
