using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Issue 23 in Chromium: two words find a crate, filters, keyword and category pages, an organization's public page.</summary>
public sealed class FindingTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task Typing_two_words_finds_the_crate_whose_description_has_both()
    {
        await Server.PublishAsync(new CrateBody("acme-client", "1.0.0") { Description = "An HTTP client for the Acme API", Keywords = ["http"] });
        await Server.PublishAsync(new CrateBody("acme-log", "1.0.0") { Description = "Structured logging for Acme services" });
        await Server.PublishAsync(new CrateBody("plain-http", "1.0.0") { Description = "HTTP without Acme's name", Keywords = ["http"] });

        await Page.GotoAsync("/search");
        await Page.GetByLabel("Search", new() { Exact = true }).FillAsync("acme http");
        // htmx refreshes the results as you type; "plain-http" mentions Acme too, so both words match it as well.
        var rows = Page.Locator("#results tr[data-crate]");
        await Expect(Page).ToHaveURLAsync(new Regex("q=acme(\\+|%20)http"));
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "acme-client");
        await ScreenshotAsync("two-words");

        await Page.GetByLabel("Search", new() { Exact = true }).FillAsync("structured logging");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-crate", "acme-log");

        // A filter from the keyword's own page: every crate with #http.
        await Page.GotoAsync("/keywords/http");
        await Expect(Page.Locator(".crate-list .crate-name")).ToHaveTextAsync(["acme-client", "plain-http"]);
        await Page.GetByRole(AriaRole.Link, new() { Name = "search with this keyword" }).ClickAsync();
        await Expect(Page.Locator("#keyword")).ToHaveValueAsync("http");
        await Page.GetByLabel("Search", new() { Exact = true }).FillAsync("client");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Page).ToHaveURLAsync(new Regex("keyword=http"));
        AssertNoScriptErrors();
    }

    /// <summary>
    /// Within a relevance group, recent downloads (the last 90 days, as on crates.io) rank first: a crate downloaded
    /// 10,000 times 200 days ago comes after one downloaded 3 times today, on the search page and in `cargo search`.
    /// </summary>
    [Fact]
    public async Task A_recently_busy_crate_ranks_above_an_old_heavy_one_on_the_search_page_and_in_cargo_search()
    {
        await Server.PublishAsync(new CrateBody("acme-old-heavy", "1.0.0") { Description = "A parser" });
        await Server.PublishAsync(new CrateBody("acme-busy", "1.0.0") { Description = "A parser" });
        // Downloads of 200 days ago cannot be made today through the server: they are stored as the flush stores them.
        var heavy = (await Server.Services.GetRequiredService<GhostCrate.Core.Crates.ICrateRepository>().FindVersionAsync("acme-old-heavy", "1.0.0", CancellationToken.None))!;
        var stats = Server.Services.GetRequiredService<GhostCrate.Core.Downloads.IDownloadStatsRepository>();
        await stats.AddAsync([new GhostCrate.Core.Downloads.DownloadIncrement(heavy.Id, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-200), 10_000)], CancellationToken.None);
        await Server.DownloadAsync("acme-busy", "1.0.0", 3);
        // The hourly job's move places the 90-day window (on a new database every day counts until it first runs).
        Assert.True(await stats.MoveRecentWindowAsync(GhostCrate.Core.Downloads.RecentDownloadsWindowHandler.WindowStart(DateTimeOffset.UtcNow), CancellationToken.None));

        await Page.GotoAsync("/search?q=acme");
        await Expect(Page.Locator("#results tr[data-crate]")).ToHaveCountAsync(2);
        Assert.Equal(["acme-busy", "acme-old-heavy"], await Page.Locator("#results tr[data-crate]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.crate)"));
        await ScreenshotAsync("recent-first");

        using var cargo = new Cargo(Server);
        var searched = await cargo.RunAsync(cargo.NewCrate("searcher", "0.1.0"), ["search", "acme", "--registry", "ghostcrate", "--limit", "10"], token: null);
        Assert.True(searched.ExitCode == 0, searched.Output);
        var names = searched.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Contains(" = \"", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(["acme-busy", "acme-old-heavy"], names);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task An_anonymous_visitor_follows_the_organization_link_to_its_public_page()
    {
        var admin = Server.Client(UiServer.AdminToken);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/orgs", new { name = "acme" })).StatusCode);
        await Server.PublishAsync(new CrateBody("acme-tools", "1.0.0") { Description = "Tools of Acme" });
        await Server.PublishAsync(new CrateBody("acme-more", "1.0.0") { Description = "More of Acme" });
        await Server.PublishAsync(new CrateBody("not-acme", "1.0.0") { Description = "Someone else's" });
        foreach (var crate in new[] { "acme-tools", "acme-more" })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/crates/{crate}/owners", new { users = new[] { "org:acme" } })).StatusCode);
        }

        // Not signed in: the crate page's "acme (organization)" leads to the list of its crates, not to a login form.
        await Page.GotoAsync("/crates/acme-tools");
        await Page.Locator(".owners li[data-owner='org:acme']").GetByRole(AriaRole.Link, new() { Name = "acme" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/orgs/acme/crates$"));
        await Expect(Page.Locator("h1")).ToContainTextAsync("acme");
        await Expect(Page.Locator(".crate-list .crate-name")).ToHaveTextAsync(["acme-more", "acme-tools"], new() { Timeout = 5000 });
        await Expect(Page.Locator("body")).Not.ToContainTextAsync("not-acme");
        await Expect(Page.Locator("body")).Not.ToContainTextAsync("Members");
        await ScreenshotAsync("org-public");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Category_pages_list_a_category_with_its_subcategories()
    {
        await Server.PublishAsync(new CrateBody("serve-it", "1.0.0") { Description = "A server", Categories = ["web-programming::http-server"] });
        await Server.PublishAsync(new CrateBody("web-kit", "1.0.0") { Description = "Web things", Categories = ["web-programming"] });

        await Page.GotoAsync("/categories");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Web programming", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/categories/web-programming$"));
        await Expect(Page.Locator(".crate-list .crate-name")).ToHaveCountAsync(2);
        await Page.GetByRole(AriaRole.Link, new() { Name = "HTTP server", Exact = true }).ClickAsync();
        await Expect(Page.Locator(".crate-list .crate-name")).ToHaveTextAsync(["serve-it"]);
        await ScreenshotAsync("category");
        AssertNoScriptErrors();
    }
}
