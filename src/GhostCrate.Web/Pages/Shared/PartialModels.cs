using GhostCrate.Core.Crates;

namespace GhostCrate.Web.Pages;

public enum CrateListDetail
{
    Updated,
    Downloads,
    Both,
}

/// <summary>A list of crates (home page, search results, profiles).</summary>
public sealed record CrateListModel(IReadOnlyList<CrateSearchHit> Crates, DateTimeOffset Now, CrateListDetail Detail, string EmptyText);

/// <summary>A copy-ready snippet: a labelled &lt;pre&gt; and a button that copies it.</summary>
public sealed record CopyBlockModel(string Id, string Label, string Text);

/// <summary>Page links for <paramref name="Page"/> of <paramref name="Pages"/>; <paramref name="Href"/> builds the URL of a page.</summary>
public sealed record PaginationModel(int Page, int Pages, Func<int, string> Href, string Label = "Pagination")
{
    /// <summary>First, last, and a window around the current page; null marks a gap.</summary>
    public IReadOnlyList<int?> Window()
    {
        var shown = new SortedSet<int> { 1, Pages };
        for (var p = Math.Max(1, Page - 2); p <= Math.Min(Pages, Page + 2); p++) shown.Add(p);
        var result = new List<int?>();
        var previous = 0;
        foreach (var p in shown)
        {
            if (p - previous > 1) result.Add(null);
            result.Add(p);
            previous = p;
        }
        return result;
    }
}
