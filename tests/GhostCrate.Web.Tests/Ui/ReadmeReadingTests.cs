using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Ui.Readme;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>Issue 23, reading: heading anchors and GitHub alert blocks in a README, and only those classes kept.</summary>
public sealed class ReadmeReadingTests
{
    private static IElement Render(string markdown)
    {
        var html = ReadmeRenderer.RenderUncached(markdown, "https://github.com/acme/widgets", "README.md");
        return new HtmlParser().ParseDocument($"<!doctype html><html><body><div id=\"root\">{html}</div></body></html>").GetElementById("root")!;
    }

    [Fact]
    public void Every_heading_links_to_itself()
    {
        var root = Render("# Getting started\n\ntext\n\n## Feature flags\n");

        var anchors = root.QuerySelectorAll("h1 a.heading-anchor, h2 a.heading-anchor").ToList();
        Assert.Equal(["#user-content-getting-started", "#user-content-feature-flags"], anchors.Select(a => a.GetAttribute("href")));
        Assert.Equal("user-content-getting-started", root.QuerySelector("h1")!.Id);
        Assert.Equal("Link to this section: Feature flags", anchors[1].GetAttribute("aria-label"));
        // The link has no text of its own (CSS draws the "#"), so the heading reads as written.
        Assert.Equal("Feature flags", root.QuerySelector("h2")!.TextContent);
    }

    [Theory]
    [InlineData("NOTE", "note")]
    [InlineData("TIP", "tip")]
    [InlineData("IMPORTANT", "important")]
    [InlineData("WARNING", "warning")]
    [InlineData("CAUTION", "caution")]
    public void GitHub_alert_blocks_become_styled_boxes(string marker, string kind)
    {
        var root = Render($"> [!{marker}]\n> Mind the **gap**.\n");

        var alert = Assert.Single(root.QuerySelectorAll("div.markdown-alert"));
        Assert.Equal($"markdown-alert markdown-alert-{kind}", alert.GetAttribute("class"));
        Assert.NotNull(alert.QuerySelector("p.markdown-alert-title"));
        Assert.Contains("Mind the gap.", alert.TextContent, StringComparison.Ordinal);
        // Markdig's icon is SVG, which the sanitiser never lets through.
        Assert.Empty(root.QuerySelectorAll("svg"));
    }

    [Fact]
    public void Other_classes_on_raw_html_are_still_removed()
    {
        var root = Render("<div class=\"skip-link visually-hidden\">hidden?</div>\n\n<p class=\"markdown-alert-title evil\">x</p>\n");

        Assert.All(root.QuerySelectorAll("div, p"), e => Assert.Null(e.GetAttribute("class")));
    }
}
