namespace GhostCrate.Core.Search;

/// <summary>The /categories and /keywords pages: which categories and keywords exist and how many crates each holds.</summary>
public sealed class BrowseService(ICrateTagCatalog tags)
{
    public const int KeywordListSize = 200;

    /// <summary>Every crates.io category in the list's order, with the crates that name it (subcategories on their own).</summary>
    public async Task<IReadOnlyList<CategoryCount>> CategoriesAsync(CancellationToken cancellationToken)
    {
        var counts = await tags.CountByCategoryAsync(cancellationToken);
        long Own(string slug) => counts.TryGetValue(slug, out var n) ? n : 0;
        return CrateCategories.All.Select(c => new CategoryCount(c, Own(c.Slug))).ToList();
    }

    public Task<IReadOnlyList<TagCount>> KeywordsAsync(CancellationToken cancellationToken) => tags.TopKeywordsAsync(KeywordListSize, cancellationToken);
}

/// <summary><see cref="Crates"/>: crates that name the category itself.</summary>
public sealed record CategoryCount(CrateCategories.Category Category, long Crates);
