using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Index;

/// <summary>
/// Renders a crate's sparse index file (https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files):
/// one JSON line per version in publish order, each with its current yanked flag. The store calls this inside the
/// transaction that changes the crate, so the file is derived from the committed rows and never patched in place.
/// </summary>
public static class IndexFileRenderer
{
    /// <summary>The file's bytes for the given lines (stored lines with their current yanked flag).</summary>
    public static byte[] Render(IEnumerable<IndexSourceLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(IndexLineWriter.WithYanked(line.IndexJson, line.Yanked)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A strong validator: a hash of the exact bytes, so two nodes holding the same bytes agree.</summary>
    public static string ETagOf(ReadOnlySpan<byte> bytes) => $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16))}\"";
}
