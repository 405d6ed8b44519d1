using System.Text.Encodings.Web;
using AngleSharp.Html.Parser;
using GhostCrate.Web.Ui.Charts;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>The server-rendered SVG bar chart: one bar per value, heights in proportion, text always encoded.</summary>
public sealed class BarChartTests
{
    private static AngleSharp.Dom.IElement Render(params ChartBar[] bars)
    {
        var html = new StringWriter();
        BarChart.Render("test", "A test chart", "s", bars).WriteTo(html, HtmlEncoder.Default);
        return new HtmlParser().ParseDocument($"<body>{html}</body>").QuerySelector("svg")!;
    }

    [Fact]
    public void Each_value_is_a_bar_whose_height_is_in_proportion_to_the_largest()
    {
        var svg = Render(new ChartBar("#1", 10, "ten", false), new ChartBar("#2", 40, "forty", true), new ChartBar("#3", 0, "none", false));

        Assert.Equal("test", svg.GetAttribute("data-chart"));
        Assert.Equal("A test chart", svg.GetAttribute("aria-label"));
        var rects = svg.QuerySelectorAll("rect");
        Assert.Equal(3, rects.Length);
        var heights = rects.Select(r => double.Parse(r.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4 * heights[0], heights[1], 1);
        Assert.Equal(1, heights[2]); // a zero still shows as a hairline
        Assert.Contains("chart-bar-failed", rects[1].ClassName);
        Assert.DoesNotContain("chart-bar-failed", rects[0].ClassName);
        Assert.Equal(["ten", "forty", "none"], rects.Select(r => r.QuerySelector("title")!.TextContent));
        Assert.Contains(svg.QuerySelectorAll("text"), t => t.TextContent == "40 s");
    }

    [Fact]
    public void Titles_and_labels_are_text_not_markup()
    {
        var svg = Render(new ChartBar("<b>x</b>", 1, "</title><script>alert(1)</script>", false));

        Assert.Empty(svg.QuerySelectorAll("script"));
        Assert.Equal("</title><script>alert(1)</script>", svg.QuerySelector("title")!.TextContent);
        Assert.Contains(svg.QuerySelectorAll("text"), t => t.TextContent == "<b>x</b>");
    }

    [Fact]
    public void An_axis_format_writes_the_largest_value_and_the_bars_keep_their_raw_values()
    {
        var html = new StringWriter();
        BarChart.Render("bytes", "Bytes", "bytes", [new ChartBar("#1", 1536, "a", false), new ChartBar("#2", 0, "b", false)], max => (max / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + " KiB")
            .WriteTo(html, HtmlEncoder.Default);
        var svg = new HtmlParser().ParseDocument($"<body>{html}</body>").QuerySelector("svg")!;

        Assert.Contains(svg.QuerySelectorAll("text"), t => t.TextContent == "1.5 KiB");
        Assert.Equal(["1536", "0"], svg.QuerySelectorAll("rect").Select(r => r.GetAttribute("data-value")));
    }

    [Fact]
    public void No_bars_is_an_empty_chart()
    {
        var svg = Render();

        Assert.Empty(svg.QuerySelectorAll("rect"));
        Assert.NotNull(svg.QuerySelector("line"));
    }
}
