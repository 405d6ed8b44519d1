using System.Text;

namespace GhostCrate.Protocol.Index;

/// <summary>
/// Reads a whole index file: one JSON object per line (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files).
/// Lines that do not parse are skipped, as cargo skips them, so one odd line from an upstream cannot hide every version.
/// </summary>
public static class IndexLines
{
    public static IReadOnlyList<IndexEntry> Parse(ReadOnlySpan<byte> file)
    {
        var entries = new List<IndexEntry>();
        foreach (var raw in Encoding.UTF8.GetString(file).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && IndexLineWriter.TryDeserialize(line, out var entry)) entries.Add(entry);
        }
        return entries;
    }

    /// <summary>The entry for <paramref name="version"/> (exact string match, as cargo matches `vers`), or null.</summary>
    public static IndexEntry? Find(ReadOnlySpan<byte> file, string version) =>
        Parse(file).FirstOrDefault(e => string.Equals(e.Vers, version, StringComparison.Ordinal));
}
