using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Issue 23 item 5 in Chromium: the configured name, logo, accent, footer, login message and registry name are what
/// the browser shows, the accent really paints the buttons (with the text colour picked for it), and text stays
/// WCAG AA readable in light and dark mode with the accent applied.
/// </summary>
public sealed class BrandingBrowserTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    protected override Dictionary<string, string?> ServerSettings => new()
    {
        ["Ui:DisplayName"] = "Acme Crates",
        ["Ui:RegistryName"] = "acme",
        ["Ui:LogoUrl"] = "/assets/favicon.svg",
        ["Ui:AccentColor"] = "#FFD400",
        ["Ui:FooterText"] = "Run by the platform team, #platform on chat",
        ["Ui:LoginMessage"] = "Use your Acme single sign-on account",
    };

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task The_brand_is_shown_the_accent_paints_buttons_and_text_stays_readable(string scheme)
    {
        await Server.PublishAsync(new CrateBody("acme-http", "1.0.0"));
        var context = await NewSchemeContextAsync(scheme);
        try
        {
            var page = await NewPageAsync(context);
            await page.GotoAsync("/login?returnUrl=%2Fme");
            await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Acme Crates$"));
            await Expect(page.Locator(".site-header .brand strong")).ToHaveTextAsync("Acme Crates");
            await Expect(page.Locator("[data-brand-logo]")).ToHaveAttributeAsync("src", "/assets/favicon.svg");
            Assert.True(await page.Locator("[data-brand-logo]").EvaluateAsync<bool>("e => e.complete && e.naturalWidth > 0"), "the logo did not load");
            await Expect(page.Locator("[data-footer-text]")).ToHaveTextAsync("Run by the platform team, #platform on chat");
            await Expect(page.Locator("[data-login-message]")).ToHaveTextAsync("Use your Acme single sign-on account");

            // Yellow takes black text: white on it would fail WCAG AA.
            var button = page.Locator("form.login-form").GetByRole(AriaRole.Button, new() { Name = "Log in" });
            Assert.Equal("rgb(255, 212, 0)", await button.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
            Assert.Equal("rgb(0, 0, 0)", await button.EvaluateAsync<string>("e => getComputedStyle(e).color"));

            var failures = new List<string>();
            foreach (var problem in await page.EvaluateAsync<string[]>(PageChecks.LowContrast)) failures.Add($"/login: {problem}");
            await LogInAsync(page, "/me");
            foreach (var path in new[] { "/me", "/", "/crates/acme-http", "/search?q=acme", "/admin" })
            {
                await page.GotoAsync(path);
                foreach (var problem in await page.EvaluateAsync<string[]>(PageChecks.LowContrast)) failures.Add($"{path}: {problem}");
            }

            // The registry name of the snippets is the configured one.
            await page.GotoAsync("/crates/acme-http");
            await Expect(page.Locator("body")).ToContainTextAsync("cargo add acme-http --registry acme");
            await ScreenshotAsync(scheme, page);
            Assert.True(failures.Count == 0, $"{scheme} mode with the accent, text below WCAG AA contrast:\n{string.Join("\n", failures)}");
            AssertNoScriptErrors();
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}
