using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Issue 23: what the crate page says is true for the real cargo.</summary>
public sealed class CratePageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task The_install_line_of_an_old_version_is_copied_and_cargo_adds_that_version()
    {
        await Server.PublishAsync(new CrateBody("acme-http", "0.4.0"));
        await Server.PublishAsync(new CrateBody("acme-http", "1.0.0"));
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        await Page.GotoAsync("/crates/acme-http");
        await Page.Locator(".versions-table tr[data-version='0.4.0']").GetByRole(AriaRole.Link, new() { Name = "0.4.0" }).ClickAsync();
        await Expect(Page.Locator("[data-selected-version]")).ToHaveTextAsync("0.4.0");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy: cargo add command" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Copy: cargo add command" })).ToHaveTextAsync("Copied");
        var copied = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        await ScreenshotAsync("old-version");

        // Run exactly what was copied (split on spaces, as a shell would) in a fresh project.
        var words = copied.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("cargo", words[0]);
        using var cargo = new Cargo(Server);
        var project = cargo.NewCrate("consumer", "0.1.0");
        var added = await cargo.RunAsync(project, words[1..], token: null);
        Assert.True(added.ExitCode == 0, $"`{copied}` failed:\n{added.Output}");
        var locked = await cargo.RunAsync(project, ["generate-lockfile"], token: null);
        Assert.True(locked.ExitCode == 0, locked.Output);

        var lockFile = await File.ReadAllTextAsync(Path.Combine(project, "Cargo.lock"), TestContext.Current.CancellationToken);
        Assert.Contains("name = \"acme-http\"\nversion = \"0.4.0\"", lockFile, StringComparison.Ordinal);
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task The_dependency_graph_never_draws_a_dependency_at_or_above_its_dependent()
    {
        await Server.PublishAsync(new CrateBody("g-leaf", "1.0.0"));
        await Server.PublishAsync(new CrateBody("g-mid", "1.0.0") { Dependencies = [CrateBody.Dependency("g-leaf", "^1")] });
        await Server.PublishAsync(new CrateBody("g-top", "1.0.0") { Dependencies = [CrateBody.Dependency("g-leaf", "^1"), CrateBody.Dependency("g-mid", "^1")] });

        await Page.GotoAsync("/crates/g-top/1.0.0/graph");

        await Expect(Page.Locator("#graph")).ToHaveAttributeAsync("data-graph-ready", "3");
        // Counted in the positions cytoscape drew: edges whose target is not below their source.
        await Expect(Page.Locator("#graph")).ToHaveAttributeAsync("data-upward-edges", "0");
        await ScreenshotAsync("graph");
        AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_crate_page_at_390_px_does_not_scroll_sideways()
    {
        await Server.PublishAsync(new CrateBody("phone-crate", "1.0.0")
        {
            Readme = "# Phone\n\nCall `a_really_long_function_name_that_never_ends_and_would_overflow_any_phone_screen_whatsoever()` here.\n\n"
                + "| a very wide column heading | another very wide column heading | and a third one that is wide |\n|---|---|---|\n| 1 | 2 | 3 |\n",
            Features = new Dictionary<string, string[]> { ["an_extremely_long_feature_name_for_a_phone_screen_to_wrap"] = [] },
        });
        var phone = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });
        try
        {
            var page = await phone.NewPageAsync();
            await page.GotoAsync("/crates/phone-crate");
            await Expect(page.Locator("#readme h1")).ToHaveTextAsync("Phone");
            var sizes = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(sizes[0] <= sizes[1], $"scrollWidth {sizes[0]} > innerWidth {sizes[1]}");
            await ScreenshotAsync("phone", page);
        }
        finally
        {
            await phone.DisposeAsync();
        }
    }

    [Fact]
    public async Task Source_and_changes_are_one_click_from_the_crate_page_and_code_is_coloured()
    {
        await Server.PublishAsync(new CrateBody("src-walk", "1.0.0"));
        await Server.PublishAsync(new CrateBody("src-walk", "1.1.0") { Readme = "# Source walk\n\n```rust\nfn main() {}\n```\n" });

        await Page.GotoAsync("/crates/src-walk");
        await Page.Locator("[data-browse-source]").ClickAsync();
        await Page.Locator("[data-source-folder]").GetByRole(AriaRole.Link, new() { Name = "src/" }).ClickAsync();
        await Page.Locator("[data-source-folder]").GetByRole(AriaRole.Link, new() { Name = "lib.rs" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/crates/src-walk/1.1.0/source/src/lib.rs$"));

        // Highlighted tokens are painted in their own colour, not the code's text colour, here and in the README.
        const string Colours = "sel => { const token = document.querySelector(sel); const code = token.closest('code'); return [getComputedStyle(token).color, getComputedStyle(code).color]; }";
        var source = await Page.EvaluateAsync<string[]>(Colours, "[data-source-file] .hl-keyword");
        Assert.NotEqual(source[1], source[0]);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Line 1" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#L1$"));
        await ScreenshotAsync("source");

        await Page.GotoAsync("/crates/src-walk/1.1.0");
        var readme = await Page.EvaluateAsync<string[]>(Colours, "#readme .hl-keyword");
        Assert.NotEqual(readme[1], readme[0]);
        await Page.Locator("[data-diff-link]").ClickAsync();
        await Expect(Page.Locator("[data-diff-file='Cargo.toml']")).ToHaveAttributeAsync("data-change", "changed");
        await Expect(Page.Locator("[data-diff-file='README.md']")).ToHaveAttributeAsync("data-change", "added");
        await Expect(Page.Locator("[data-diff-file='Cargo.toml'] tr.add")).ToHaveCountAsync(2);
        await ScreenshotAsync("diff");
        AssertNoScriptErrors();
    }
}
