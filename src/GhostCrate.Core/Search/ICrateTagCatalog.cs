namespace GhostCrate.Core.Search;

/// <summary>How many crates carry each keyword and category (the /keywords and /categories pages).</summary>
public interface ICrateTagCatalog
{
    /// <summary>Crates per stored category slug (subcategories counted on their own).</summary>
    Task<IReadOnlyDictionary<string, long>> CountByCategoryAsync(CancellationToken cancellationToken);

    /// <summary>The <paramref name="limit"/> keywords on most crates, then by keyword.</summary>
    Task<IReadOnlyList<TagCount>> TopKeywordsAsync(int limit, CancellationToken cancellationToken);
}

public sealed record TagCount(string Tag, long Crates);
