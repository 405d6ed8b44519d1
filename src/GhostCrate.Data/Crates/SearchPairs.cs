using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;

namespace GhostCrate.Data.Crates;

/// <summary>
/// The two-character substrings of a crate's search text, kept in crate_search_pairs (SQLite, migration 0006) so a
/// two-character search is an index lookup instead of a scan. A pair is two runes (SQLite's substr counts characters
/// the same way), so "contains this two-character query" is exactly "has this pair".
/// </summary>
internal static class SearchPairs
{
    /// <summary>Whether the (lowercase, trimmed) query is one pair.</summary>
    public static bool IsPair(string query)
    {
        var count = 0;
        foreach (var _ in query.EnumerateRunes())
        {
            if (++count > 2) return false;
        }
        return count == 2;
    }

    public static HashSet<string> Of(string text)
    {
        var pairs = new HashSet<string>(StringComparer.Ordinal);
        Rune? previous = null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (previous is { } first) pairs.Add(first.ToString() + rune.ToString());
            previous = rune;
        }
        return pairs;
    }

    /// <summary>Brings the crate's pairs from <paramref name="oldText"/> (null: a new crate) to <paramref name="newText"/>.</summary>
    public static async Task ReplaceAsync(
        DbConnection connection, DbTransaction transaction, long crateId, string? oldText, string newText, CancellationToken cancellationToken)
    {
        if (oldText == newText) return;
        var wanted = Of(newText);
        var had = oldText is null ? [] : Of(oldText);
        var gone = had.Where(p => !wanted.Contains(p)).ToList();
        var added = wanted.Where(p => !had.Contains(p)).ToList();
        // One statement each, the pairs as a JSON array (about 60 for a new crate; row by row cost a third of the
        // publish rate at 100k crates).
        if (gone.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM crate_search_pairs WHERE crate_id = @crateId AND pair IN (SELECT value FROM json_each(@pairs))",
                new { crateId, pairs = JsonSerializer.Serialize(gone) }, transaction, cancellationToken: cancellationToken));
        }
        if (added.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR IGNORE INTO crate_search_pairs (pair, crate_id) SELECT value, @crateId FROM json_each(@pairs)",
                new { crateId, pairs = JsonSerializer.Serialize(added) }, transaction, cancellationToken: cancellationToken));
        }
    }
}
