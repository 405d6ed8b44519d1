using GhostCrate.Core.Search;

namespace GhostCrate.Web.Pages.Browse;

/// <summary>/keywords: the keywords on most crates.</summary>
public sealed class KeywordsModel(BrowseService browse) : UiPageModel
{
    public IReadOnlyList<TagCount> Keywords { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Keywords = await browse.KeywordsAsync(cancellationToken);

    public static string Href(string keyword) => "/keywords/" + Uri.EscapeDataString(keyword);
}
