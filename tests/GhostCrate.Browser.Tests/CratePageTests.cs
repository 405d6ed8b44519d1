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
}
