using System.Text;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Mirror.Storage;

/// <summary>
/// One line of an index file: the upstream's exact bytes (served unchanged, so cargo sees what crates.io wrote) and
/// the parsed entry (what the mirror decides with).
/// </summary>
public sealed record IndexLine(string Raw, IndexEntry Entry)
{
    /// <summary>
    /// Parses a whole index file, one JSON object per line
    /// (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files). Blank lines are skipped; a line
    /// that is not a valid entry is counted in <paramref name="unreadable"/> and left out: without a checksum it
    /// cannot be mirrored safely.
    /// </summary>
    public static List<IndexLine> ParseFile(string content, out int unreadable)
    {
        unreadable = 0;
        var lines = new List<IndexLine>();
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (IndexLineWriter.TryDeserialize(line, out var entry) && entry.Name.Length > 0 && entry.Vers.Length > 0 && IsSha256(entry.Cksum))
                lines.Add(new IndexLine(line, entry));
            else
                unreadable++;
        }
        return lines;
    }

    public static List<IndexLine> ParseFile(byte[] content, out int unreadable) => ParseFile(Encoding.UTF8.GetString(content), out unreadable);

    public static string Render(IEnumerable<IndexLine> lines)
    {
        var builder = new StringBuilder();
        foreach (var line in lines) builder.Append(line.Raw).Append('\n');
        return builder.ToString();
    }

    private static bool IsSha256(string cksum) => cksum.Length == 64 && cksum.All(char.IsAsciiHexDigitLower);
}
