using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Core.Publishing;

/// <summary>
/// What a crate's row takes from the version that speaks for it: description, search text, keywords and known
/// categories. One formula for publish and for the approval of a held version (Data/Holds), so a crate reads the same
/// whichever way its newest version went live.
/// </summary>
public sealed record CrateText(string? Description, string SearchText, IReadOnlyList<string> Keywords, IReadOnlyList<string> Categories)
{
    public static CrateText Of(PublishMetadata meta)
    {
        var categories = KnownCategories(meta.Categories);
        return new CrateText(meta.Description, SearchTextOf(meta, categories),
            [.. meta.Keywords.Select(k => k.ToLowerInvariant()).Distinct(StringComparer.Ordinal)], categories);
    }

    public static string SearchTextOf(PublishMetadata meta, IReadOnlyList<string> categories) =>
        string.Join(' ', new[] { meta.Name, meta.Description ?? "" }.Concat(meta.Keywords).Concat(categories)).ToLowerInvariant();

    /// <summary>crates.io's rule: known slugs are kept (as the list spells them), in the order declared, once.</summary>
    public static IReadOnlyList<string> KnownCategories(IReadOnlyList<string> declared)
    {
        var known = new List<string>();
        foreach (var slug in declared)
        {
            if (Search.CrateCategories.Find(slug) is { } category && !known.Contains(category.Slug)) known.Add(category.Slug);
        }
        return known;
    }
}
