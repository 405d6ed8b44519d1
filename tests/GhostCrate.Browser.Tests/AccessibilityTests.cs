using GhostCrate.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GhostCrate.Browser.Tests;

/// <summary>Phones, dark mode, the keyboard, labels, and how much script a page makes the browser fetch.</summary>
public sealed class AccessibilityTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    /// <summary>No page may make the browser transfer more script and style than this (compressed bytes).</summary>
    public const long ScriptBudgetBytes = 150 * 1024;

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
    public async Task The_keyboard_reaches_everything_and_controls_are_labelled()
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

        // Every form control on these pages has an accessible name.
        foreach (var path in new[] { "/", "/search?q=phone", "/crates/phone-friendly-crate-with-a-long-name", "/login", "/categories", "/keywords" })
        {
            await Page.GotoAsync(path);
            var unlabelled = await Page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
                  .map(e => e.outerHTML)
                """);
            Assert.True(unlabelled.Length == 0, $"{path}: unlabelled controls: {string.Join(", ", unlabelled)}");
        }

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

    [Theory]
    [InlineData("/crates/phone-friendly-crate-with-a-long-name")]
    [InlineData("/crates/phone-friendly-crate-with-a-long-name/12.345.678/graph")]
    [InlineData("/")]
    [InlineData("/search?q=phone&category=web-programming")]
    [InlineData("/categories")]
    [InlineData("/keywords/test")]
    public async Task Script_and_style_transferred_stay_under_the_budget(string path)
    {
        await PublishAsync();
        var responses = new List<IResponse>();
        Page.Response += (_, response) => { lock (responses) responses.Add(response); };

        await Page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });

        long script = 0, style = 0;
        List<IResponse> seen;
        lock (responses) seen = [.. responses];
        foreach (var response in seen)
        {
            var type = response.Request.ResourceType;
            if (type is not ("script" or "stylesheet")) continue;
            var sizes = await response.Request.SizesAsync();
            if (type == "script") script += sizes.ResponseBodySize;
            else style += sizes.ResponseBodySize;
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{path}: script {script} bytes, style {style} bytes transferred");
        Assert.True(script > 0, "expected the page to load its scripts");
        Assert.True(script + style < ScriptBudgetBytes, $"{path}: {script} bytes of script and {style} of style transferred; the budget is {ScriptBudgetBytes}");
        AssertNoScriptErrors();
    }
}
