using System.Data.Common;
using Dapper;

namespace GhostCrate.Data.Search;

/// <summary>Keeps crate_keywords and crate_categories (migration 0016) equal to the latest publish's lists.</summary>
internal static class CrateTagsSql
{
    public static async Task ReplaceAsync(
        DbConnection connection, DbTransaction transaction, long crateId, IReadOnlyList<string> keywords, IReadOnlyList<string> categories, CancellationToken cancellationToken)
    {
        foreach (var table in new[] { "crate_keywords", "crate_categories" })
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM {table} WHERE crate_id = @crateId", new { crateId }, transaction, cancellationToken: cancellationToken));
        }
        var distinctKeywords = keywords.Distinct(StringComparer.Ordinal).Select(keyword => new { keyword, crateId }).ToList();
        if (distinctKeywords.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO crate_keywords (keyword, crate_id) VALUES (@keyword, @crateId)",
                distinctKeywords, transaction, cancellationToken: cancellationToken));
        }
        var distinctCategories = categories.Distinct(StringComparer.Ordinal).Select(category => new { category, crateId }).ToList();
        if (distinctCategories.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO crate_categories (category, crate_id) VALUES (@category, @crateId)",
                distinctCategories, transaction, cancellationToken: cancellationToken));
        }
    }
}
