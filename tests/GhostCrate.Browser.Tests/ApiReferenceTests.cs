using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>/api/docs: the interactive API reference (vendored Swagger UI) renders /api/openapi.json under the site's CSP.</summary>
public sealed class ApiReferenceTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task The_reference_shows_the_publish_operation_without_csp_violations()
    {
        // Swagger UI is the heaviest page here (a 1.5 MB bundle that then renders the whole document in the browser):
        // on a 2-core machine running the other browser tests at the same time, loading and rendering it took longer
        // than the usual 20 s. The test is about what it shows, so it gives it a minute.
        var response = await Page.GotoAsync("/api/docs", new() { Timeout = 60_000 });

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        // The page runs under the same policy as every page: scripts and styles from this origin only.
        var policy = await response.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("style-src 'self';", policy);

        var publish = Page.Locator("#operations-Cargo_registry-publishCrate");
        await Expect(publish).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(publish.Locator(".opblock-summary-method")).ToHaveTextAsync("PUT");
        await Expect(publish.Locator(".opblock-summary-path")).ToContainTextAsync("/api/v1/crates/new");
        await Expect(publish).ToContainTextAsync("Publish a crate version");

        // Opening it shows what the document says about it: the token it needs and Cargo's error envelope.
        await publish.Locator(".opblock-summary").First.ClickAsync();
        await Expect(publish.Locator(".opblock-body")).ToContainTextAsync("413");
        await Expect(publish.Locator(".opblock-body")).ToContainTextAsync("\"errors\"");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Authorize" })).ToBeVisibleAsync();
        await ScreenshotAsync("publish");
        AssertNoScriptErrors();
    }
}
