using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui.Readme;

/// <summary>
/// Renders a crate's README (CommonMark + GitHub-style tables, task lists, autolinks, strikethrough, footnotes) to
/// sanitised HTML. Raw HTML in the Markdown is allowed through Markdig and then cleaned by <see cref="ReadmeSanitizer"/>,
/// so `&lt;p align="center"&gt;&lt;img ...&gt;` banners survive and scripts do not. Results are cached per version.
/// </summary>
public sealed class ReadmeRenderer(IOptions<UiOptions> options) : IDisposable
{
    private readonly IReadOnlyList<RepositoryHostOptions> hosts = options.Value.RepositoryHosts;

    // Its own bounded cache (sizes in KiB, about 16 MiB in all), so the shared IMemoryCache needs no size limit.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 16 * 1024 });

    private const int MaxReadmeChars = 512 * 1024;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseFootnotes()
        // GitHub's alert blocks (> [!NOTE], [!TIP], [!IMPORTANT], [!WARNING], [!CAUTION]):
        // https://docs.github.com/en/get-started/writing-on-github/getting-started-with-writing-and-formatting-on-github/basic-writing-and-formatting-syntax#alerts
        .UseAlertBlocks()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .Build();

    /// <summary>The cached HTML of a version's README (<paramref name="cacheKey"/>: name + checksum), if rendered lately.</summary>
    public bool TryGetCached(string cacheKey, out string html)
    {
        html = cache.TryGetValue<string>(("readme", cacheKey), out var cached) && cached is not null ? cached : "";
        return cached is not null;
    }

    /// <summary>
    /// Safe HTML for <paramref name="markdown"/>. <paramref name="readmePath"/> (the manifest's `readme`, e.g.
    /// docs/README.md) locates relative links inside <paramref name="repository"/> and <paramref name="crateFiles"/>.
    /// <paramref name="cacheKey"/> identifies the version (name + checksum); null skips the cache.
    /// </summary>
    public string Render(string markdown, string? repository, string? readmePath, string? cacheKey = null, ReadmeCrateFiles? crateFiles = null)
    {
        if (cacheKey is not null && TryGetCached(cacheKey, out var cached)) return cached;
        var html = RenderUncached(markdown, repository, readmePath, hosts, crateFiles);
        if (cacheKey is not null)
        {
            cache.Set(("readme", cacheKey), html, new MemoryCacheEntryOptions { Size = html.Length / 1024 + 1, SlidingExpiration = TimeSpan.FromHours(1) });
        }
        return html;
    }

    /// <param name="hosts">`Ui:RepositoryHosts`: self-hosted git servers whose file URLs relative links resolve to.</param>
    public static string RenderUncached(string markdown, string? repository, string? readmePath, IReadOnlyList<RepositoryHostOptions>? hosts = null, ReadmeCrateFiles? crateFiles = null)
    {
        if (markdown.Length > MaxReadmeChars) markdown = markdown[..MaxReadmeChars];
        var html = Markdown.ToHtml(markdown, Pipeline);
        var directory = Path.GetDirectoryName((readmePath ?? "").Replace('\\', '/'))?.Replace('\\', '/') ?? "";
        return ReadmeSanitizer.Sanitize(html, RepositoryLinks.From(repository, hosts), directory, crateFiles);
    }

    public void Dispose() => cache.Dispose();
}
