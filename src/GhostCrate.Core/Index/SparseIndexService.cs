using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Crates;
using GhostCrate.Protocol.Index;

namespace GhostCrate.Core.Index;

/// <summary>
/// Renders a crate's sparse index file from the database (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol).
/// The file is derived data: each request renders the stored lines with their current yanked flag, so a publish or
/// a yank is visible at once and nothing is ever patched in place.
/// </summary>
public sealed class SparseIndexService(ICrateRepository crates)
{
    /// <summary>The index file for the lowercase name of a request path, or null when no such crate exists.</summary>
    public async Task<IndexFile?> GetAsync(string lowercaseName, CancellationToken cancellationToken)
    {
        var source = await crates.GetIndexSourceAsync(Protocol.Crates.CrateName.Canonicalize(lowercaseName), cancellationToken);
        // Cargo asks for the lowercase spelling of the name it depends on; `foo_bar` must not answer for `foo-bar`.
        if (source is null || source.Lines.Count == 0 || !source.Name.Equals(lowercaseName, StringComparison.OrdinalIgnoreCase)) return null;
        var text = new StringBuilder();
        foreach (var line in source.Lines) text.Append(IndexLineWriter.WithYanked(line.IndexJson, line.Yanked)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return new IndexFile(bytes, ETagOf(bytes), TruncateToSeconds(source.UpdatedAt));
    }

    /// <summary>A strong validator: a hash of the exact bytes, so two nodes rendering the same rows agree.</summary>
    public static string ETagOf(ReadOnlySpan<byte> bytes) => $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16))}\"";

    // HTTP dates have second precision; keeping more would make If-Modified-Since never match.
    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}

public sealed record IndexFile(byte[] Content, string ETag, DateTimeOffset LastModified);
