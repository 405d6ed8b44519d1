using System.Text.RegularExpressions;
using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Finding and reading crates in a real browser: search, the crate page, yanked versions, the graph.</summary>
public sealed class BrowsingTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private async Task PublishWidgetAsync()
    {
        await Server.PublishAsync(new CrateBody("ghost-base", "1.0.0") { Description = "Shared base types" });
        await Server.PublishAsync(new CrateBody("ghost-widget", "0.9.0") { Readme = "# Ghost Widget\n\nOld.\n" });
        await Server.PublishAsync(new CrateBody("ghost-widget", "1.0.0")
        {
            Description = "Spooky widgets for private crates",
            Keywords = ["spooky"],
            Readme = "# Ghost Widget\n\nWidgets that *haunt* your builds.\n\n## Usage\n\n```rust\nghost_widget::boo();\n```\n",
            Repository = "https://github.com/acme/ghost-widget",
            Dependencies =
            [
                CrateBody.Dependency("ghost-base", "^1.0"),
                CrateBody.Dependency("serde", "^1", registry: CrateBody.CratesIo),
                CrateBody.Dependency("ghost-base", "^1", kind: "dev"),
            ],
            Features = new Dictionary<string, string[]> { ["default"] = ["std"], ["std"] = [] },
        });
        await Server.DownloadAsync("ghost-widget", "1.0.0", times: 4);
    }

    [Fact]
    public async Task Search_finds_a_published_crate()
    {
        await PublishWidgetAsync();
        await Page.GotoAsync("/");

        await Page.GetByLabel("Search crates").First.FillAsync("spooky");
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Page).ToHaveURLAsync(new Regex("/search\\?q=spooky"));
        var row = Page.Locator("#results tr[data-crate=ghost-widget]");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("1.0.0");
        await Expect(row).ToContainTextAsync("Spooky widgets for private crates");
        await Expect(Page.Locator("#results tr[data-crate]")).ToHaveCountAsync(1);
        await ScreenshotAsync("results");

        // Typing refines the results in place (htmx), without pressing Enter.
        await Page.GetByLabel("Search", new() { Exact = true }).FillAsync("ghost");
        await Expect(Page.Locator("#results tr[data-crate]")).ToHaveCountAsync(2);
        await Expect(Page).ToHaveURLAsync(new Regex("q=ghost"));

        await row.GetByRole(AriaRole.Link, new() { Name = "ghost-widget" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/crates/ghost-widget$"));
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Crate_page_shows_the_readme_heading_versions_and_dependencies()
    {
        await PublishWidgetAsync();

        await Page.GotoAsync("/crates/ghost-widget");

        await Expect(Page.Locator("#readme h1")).ToHaveTextAsync("Ghost Widget");
        await Expect(Page.Locator("#readme h2")).ToHaveTextAsync("Usage");
        await Expect(Page.Locator(".versions-table tr[data-version]")).ToHaveCountAsync(2);
        await Expect(Page.Locator(".versions-table tr[data-version='1.0.0']")).ToContainTextAsync("latest");
        var normal = Page.Locator(".dependency-list[data-kind=normal]");
        await Expect(normal.GetByRole(AriaRole.Link, new() { Name = "ghost-base" })).ToHaveAttributeAsync("href", "/crates/ghost-base");
        await Expect(normal.Locator("li[data-dependency=serde] .badge-cratesio")).ToHaveTextAsync("crates.io");
        await Expect(Page.Locator(".dependency-list[data-kind=dev] li")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#cargo-add")).ToHaveTextAsync("cargo add ghost-widget --registry ghostcrate");
        // The downloads chart is drawn by Chart.js under the page's strict Content-Security-Policy.
        await Expect(Page.Locator("#downloads-chart")).ToHaveAttributeAsync("data-chart-ready", "true");
        await Expect(Page.Locator("[data-total-downloads]")).ToHaveTextAsync("4");
        await ScreenshotAsync("crate");

        await normal.GetByRole(AriaRole.Link, new() { Name = "ghost-base" }).ClickAsync();
        await Expect(Page.Locator("h1 .crate-title")).ToHaveTextAsync("ghost-base");
        await Expect(Page.Locator("#dependents li[data-dependent=ghost-widget]")).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_yanked_version_is_marked()
    {
        await PublishWidgetAsync();
        await Server.YankAsync("ghost-widget", "0.9.0");

        await Page.GotoAsync("/crates/ghost-widget");

        var yanked = Page.Locator(".versions-table tr[data-version='0.9.0']");
        await Expect(yanked.Locator(".badge-yanked")).ToBeVisibleAsync();
        await Expect(yanked.Locator(".badge-yanked")).ToHaveTextAsync("yanked");
        await Expect(Page.Locator(".versions-table tr[data-version='1.0.0'] .badge-yanked")).ToHaveCountAsync(0);

        await yanked.GetByRole(AriaRole.Link, new() { Name = "0.9.0" }).ClickAsync();
        await Expect(Page.Locator(".notice-yanked")).ToContainTextAsync("Yanked");
        await Expect(Page.Locator("[data-selected-version]")).ToHaveTextAsync("0.9.0");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Dependency_graph_is_drawn()
    {
        await PublishWidgetAsync();

        await Page.GotoAsync("/crates/ghost-widget");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Dependency graph", Exact = true }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/crates/ghost-widget/1.0.0/graph$"));
        // cytoscape reports how many nodes it drew: the crate, ghost-base and serde from crates.io.
        await Expect(Page.Locator("#graph")).ToHaveAttributeAsync("data-graph-ready", "3");
        await Expect(Page.Locator(".dependency-tree li[data-node='ghost-base@1.0.0']").First).ToBeVisibleAsync();
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Copy_buttons_copy_the_snippet()
    {
        await PublishWidgetAsync();
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        await Page.GotoAsync("/crates/ghost-widget");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy: cargo add command" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Copy: cargo add command" })).ToHaveTextAsync("Copied");
        Assert.Equal("cargo add ghost-widget --registry ghostcrate", await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task Missing_pages_are_friendly()
    {
        var response = await Page.GotoAsync("/crates/does-not-exist");

        Assert.Equal(404, response!.Status);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Page.GetByLabel("Search for a crate instead").FillAsync("does-not-exist");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new Regex("/search\\?q=does-not-exist"));
        AssertNoScriptErrors();
    }
}
