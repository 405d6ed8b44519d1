using System.Text.Json;
using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Issue 6 page by page in Chromium, each step with a screenshot: the home page's counts and cargo set-up (the
/// crates.io proxy and the offline mirror this server serves), search sorting and pagination by keyboard, and the
/// downloads JSON. Contrast, layout and weight of every page are <see cref="EveryPageTests"/>.
/// </summary>
public sealed class WalkthroughTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private readonly string _mirror = CreateMirrorDirectory();

    // The crates.io upstream points at a closed port: nothing here may reach the internet, and publishing new names
    // is allowed while the upstream cannot be asked (the dependency-confusion guard is the proxy's own business).
    protected override Dictionary<string, string?>? ServerSettings => new()
    {
        ["Proxy:Enabled"] = "true",
        ["Proxy:Upstreams:crates-io:IndexUrl"] = "http://127.0.0.1:9/index/",
        ["Proxy:AllowPublishWhenUpstreamUnreachable"] = "true",
        ["Mirror:Directory"] = _mirror,
        ["Mirror:MountPath"] = "/offline/",
    };

    private static string CreateMirrorDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "gc-walk-mirror-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "index"));
        return root;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_mirror, recursive: true);
    }

    /// <summary>23 crates "walk-00".."walk-22" (two pages of 20): walk-05 is the most downloaded, walk-22 the newest.</summary>
    private async Task PublishManyAsync()
    {
        for (var i = 0; i < 23; i++)
        {
            await Server.PublishAsync(new CrateBody($"walk-{i:D2}", "1.0.0") { Description = $"Walkthrough crate number {i}" });
        }
        await Server.PublishAsync(new CrateBody("walk-05", "1.1.0") { Description = "Walkthrough crate number 5, again" });
        await Server.DownloadAsync("walk-05", "1.1.0", times: 7);
        await Server.DownloadAsync("walk-11", "1.0.0", times: 3);
        // Updated last: first when sorted by recent updates.
        await Server.PublishAsync(new CrateBody("walk-17", "2.0.0") { Description = "Walkthrough crate number 17, renewed" });
    }

    [Fact]
    public async Task The_home_page_counts_lists_and_offers_each_cargo_setup_this_server_serves()
    {
        await PublishManyAsync();
        await Page.GotoAsync("/");

        await Expect(Page.Locator("[data-stat=crates]")).ToHaveTextAsync("23");
        await Expect(Page.Locator("[data-stat=versions]")).ToHaveTextAsync("25");
        await Expect(Page.Locator("[data-stat=downloads]")).ToHaveTextAsync("10");
        await Expect(Page.Locator("section[aria-labelledby=recent-heading] .crate-name").First).ToHaveTextAsync("walk-17");
        await Expect(Page.Locator("section[aria-labelledby=popular-heading] .crate-name").First).ToHaveTextAsync("walk-05");

        await Expect(Page.Locator("#setup-registry")).ToContainTextAsync($"index = \"sparse+{Server.BaseUrl}/index/\"");
        await Expect(Page.Locator("#setup-mirror")).ToContainTextAsync($"registry = \"sparse+{Server.BaseUrl}/crates-io/index/\"");
        await Expect(Page.Locator("#setup-offline-mirror")).ToContainTextAsync($"registry = \"sparse+{Server.BaseUrl}/offline/index/\"");

        // The offline snippet is copied exactly as shown, and the mount it names answers cargo's config request.
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy: Offline crates.io mirror configuration" }).ClickAsync();
        var copied = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Contains("replace-with = \"ghostcrate-offline\"", copied, StringComparison.Ordinal);
        var config = await Page.APIRequest.GetAsync("/offline/index/config.json");
        Assert.Equal(200, config.Status);
        Assert.StartsWith(Server.BaseUrl + "/offline/crates/", JsonDocument.Parse(await config.TextAsync()).RootElement.GetProperty("dl").GetString());

        await Page.Locator("#setup").ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync("home");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Search_sorts_and_pages_by_keyboard()
    {
        await PublishManyAsync();
        await Page.GotoAsync("/search?q=walkthrough");
        var rows = Page.Locator("#results tr[data-crate]");
        await Expect(Page.Locator(".result-count")).ToContainTextAsync("23 crates found · page 1 of 2");
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(Page.Locator("nav.pagination [aria-current=page]")).ToHaveTextAsync("1");

        // Sort by name with the keyboard: focus the select, choose, and the results follow (htmx), URL included.
        await Page.Locator("#sort").FocusAsync();
        await Page.Locator("#sort").SelectOptionAsync("name");
        await Expect(Page).ToHaveURLAsync(new Regex("sort=name"));
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-00");
        await Expect(rows.Nth(19)).ToHaveAttributeAsync("data-crate", "walk-19");

        // To page 2 by Tab and Enter.
        var next = Page.Locator("nav.pagination a[rel=next]");
        for (var i = 0; i < 80 && !await next.EvaluateAsync<bool>("e => e === document.activeElement"); i++) await Page.Keyboard.PressAsync("Tab");
        await Expect(next).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new Regex("page=2"));
        await Expect(Page).ToHaveURLAsync(new Regex("sort=name"));
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-20");
        await Expect(Page.Locator("nav.pagination [aria-current=page]")).ToHaveTextAsync("2");
        await ScreenshotAsync("page-2-by-name");

        await Page.GotoAsync("/search?q=walkthrough&sort=downloads");
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-05");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-crate", "walk-11");
        await Expect(rows.First).ToContainTextAsync("1.1.0");
        await Page.GotoAsync("/search?q=walkthrough&sort=recent");
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "walk-17");
        await Expect(rows.First).ToContainTextAsync("2.0.0");
        await Expect(Page.Locator("#sort")).ToHaveValueAsync("recent");
        await ScreenshotAsync("recent");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task The_downloads_json_counts_per_day_and_version()
    {
        await PublishManyAsync();
        var response = await Page.APIRequest.GetAsync("/api/v1/crates/walk-05/downloads?days=7");
        Assert.Equal(200, response.Status);
        var json = JsonDocument.Parse(await response.TextAsync()).RootElement;
        Assert.Equal("walk-05", json.GetProperty("crate").GetString());
        var totals = json.GetProperty("totals").EnumerateArray().ToList();
        Assert.Equal(7, totals.Count);
        Assert.Equal(7, totals.Sum(t => t.GetProperty("downloads").GetInt64()));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var perVersion = json.GetProperty("version_downloads").EnumerateArray().Single();
        Assert.Equal("1.1.0", perVersion.GetProperty("version").GetString());
        Assert.Equal(today, perVersion.GetProperty("date").GetString());
        Assert.Equal(7, perVersion.GetProperty("downloads").GetInt64());

        // The crate page draws the same numbers, with a table for screen readers and no-JS.
        await Page.GotoAsync("/crates/walk-05");
        await Expect(Page.Locator("canvas")).ToHaveCountAsync(1);
        await ScreenshotAsync("crate");
        AssertNoScriptErrors();
    }
}
