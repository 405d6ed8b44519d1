using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>The administrators' usage analytics page: charts drawn under the strict CSP, and tables without JavaScript.</summary>
public sealed class AnalyticsTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task An_admin_sees_the_charts_and_the_tables()
    {
        await Server.PublishAsync(new CrateBody("charted", "1.0.0"));
        await Server.DownloadAsync("charted", "1.0.0", times: 3);

        await LogInAsync(Page, "/admin");
        await Page.Locator("nav.admin-nav").GetByRole(AriaRole.Link, new() { Name = "Analytics" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/admin/analytics$"));
        foreach (var chart in new[] { "#analytics-downloads-chart", "#analytics-activity-chart", "#analytics-storage-chart" })
        {
            await Expect(Page.Locator(chart)).ToHaveAttributeAsync("data-chart-ready", "true");
        }
        await Expect(Page.Locator("[data-stat=private_downloads]")).ToHaveTextAsync("3");
        await Expect(Page.Locator("#analytics-days tbody tr")).ToHaveCountAsync(30);
        await Expect(Page.Locator("#analytics-top-crates tr[data-crate=charted]")).ToContainTextAsync("3");
        // Chart.js drew something: the downloads canvas is not blank.
        var painted = await Page.EvaluateAsync<bool>(
            "() => { const c = document.getElementById('analytics-downloads-chart'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; }");
        Assert.True(painted, "the downloads chart canvas is blank");
        await ScreenshotAsync("30d");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Last 7 days" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/admin/analytics\\?period=7d$"));
        await Expect(Page.Locator("#analytics-days tbody tr")).ToHaveCountAsync(7);
        await Expect(Page.Locator("#analytics-downloads-chart")).ToHaveAttributeAsync("data-chart-ready", "true");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Without_javascript_the_tables_hold_the_figures()
    {
        await Server.PublishAsync(new CrateBody("tabled", "1.0.0"));
        await Server.DownloadAsync("tabled", "1.0.0", times: 2);
        await using var context = await Context.Browser!.NewContextAsync(new() { BaseURL = Server.BaseUrl, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();

        await LogInAsync(page, "/admin/analytics?period=90d");

        await Expect(page.Locator("#analytics-days tbody tr")).ToHaveCountAsync(90);
        await Expect(page.Locator("#analytics-days tbody tr").First.Locator("[data-col=private_downloads]")).ToHaveTextAsync("2");
        await Expect(page.Locator("#analytics-top-crates tr[data-crate=tabled]")).ToBeVisibleAsync();
        await Expect(page.Locator("#analytics-downloads-chart")).Not.ToHaveAttributeAsync("data-chart-ready", "true");
        await ScreenshotAsync("no-js", page);
    }
}
