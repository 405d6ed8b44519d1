using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>
/// Phones, dark mode and the keyboard on pages with awkward content (long names, wide tables and code). Labels,
/// contrast and weight of every page are <see cref="EveryPageTests"/>.
/// </summary>
public sealed class AccessibilityTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private async Task PublishAsync()
    {
        await Server.PublishAsync(new CrateBody("phone-base", "1.0.0"));
        await Server.PublishAsync(new CrateBody("phone-friendly-crate-with-a-long-name", "12.345.678")
        {
            Readme = "# Phone\n\n| a very long table header | and another one | and one more |\n|---|---|---|\n| 1 | 2 | 3 |\n\n```\nsome_really_long_line_of_code_that_would_overflow_a_phone_screen_if_it_was_not_scrollable();\n```\n",
            Repository = "https://github.com/acme/a-very-long-repository-name-that-needs-wrapping",
            Dependencies = [CrateBody.Dependency("phone-base", "^1")],
        });
    }

    [Fact]
    public async Task Pages_fit_a_phone_screen()
    {
        await PublishAsync();
        var phone = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseUrl,
            ViewportSize = new ViewportSize { Width = 375, Height = 740 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
        });
        try
        {
            var page = await phone.NewPageAsync();
            foreach (var path in new[] { "/", "/search?q=phone", "/crates/phone-friendly-crate-with-a-long-name", "/crates/phone-friendly-crate-with-a-long-name/12.345.678/source/README.md", "/login" })
            {
                await page.GotoAsync(path);
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.True(overflow <= 0, $"{path} scrolls sideways by {overflow}px at phone width");
            }
            await page.GotoAsync("/crates/phone-friendly-crate-with-a-long-name");
            await ScreenshotAsync("phone", page);
        }
        finally
        {
            await phone.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dark_mode_follows_the_system()
    {
        await PublishAsync();
        var dark = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, ColorScheme = ColorScheme.Dark, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var light = await Context.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, ColorScheme = ColorScheme.Light });
        try
        {
            var darkPage = await dark.NewPageAsync();
            var lightPage = await light.NewPageAsync();
            await darkPage.GotoAsync("/crates/phone-friendly-crate-with-a-long-name");
            await lightPage.GotoAsync("/crates/phone-friendly-crate-with-a-long-name");

            const string Luminance = """
                () => {
                  // The first opaque background from the body up (Pico paints the root element).
                  for (const element of [document.body, document.documentElement]) {
                    const [r, g, b, a] = getComputedStyle(element).backgroundColor.match(/[\d.]+/g).map(Number);
                    if (a === undefined || a > 0) return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
                  }
                  return 1;
                }
                """;
            Assert.True(await darkPage.EvaluateAsync<double>(Luminance) < 0.3, "dark system theme should give a dark page");
            Assert.True(await lightPage.EvaluateAsync<double>(Luminance) > 0.7, "light system theme should give a light page");
            await ScreenshotAsync("dark", darkPage);
        }
        finally
        {
            await dark.DisposeAsync();
            await light.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_keyboard_skips_the_navigation_finds_the_search_and_copies()
    {
        await PublishAsync();
        await Page.GotoAsync("/search?q=phone");

        // The first Tab stop skips the navigation.
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.Locator(":focus")).ToHaveTextAsync("Skip to content");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#main$"));

        // "/" jumps to the search box from anywhere.
        await Page.Locator("body").ClickAsync(new() { Position = new Position { X = 5, Y = 600 } });
        await Page.Keyboard.PressAsync("/");
        await Expect(Page.Locator("#header-q")).ToBeFocusedAsync();

        // Tabbing through the crate page reaches the copy button and activates it with the keyboard.
        await Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GotoAsync("/crates/phone-friendly-crate-with-a-long-name");
        var copy = Page.GetByRole(AriaRole.Button, new() { Name = "Copy: cargo add command" });
        for (var i = 0; i < 60 && !await copy.EvaluateAsync<bool>("e => e === document.activeElement"); i++) await Page.Keyboard.PressAsync("Tab");
        await Expect(copy).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(copy).ToHaveTextAsync("Copied");
        AssertNoScriptErrors();
    }
}
