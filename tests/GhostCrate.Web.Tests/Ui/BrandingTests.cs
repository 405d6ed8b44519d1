using System.Net;
using GhostCrate.Web.Tests.Support;
using GhostCrate.Web.Ui;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>Ui:DisplayName, LogoUrl, AccentColor, FooterText, LoginMessage: validated at start-up and applied on every page.</summary>
public sealed class BrandingTests
{
    [Fact]
    public async Task The_configured_name_logo_footer_login_message_and_accent_are_applied()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["Ui:DisplayName"] = "Acme Crates",
            ["Ui:LogoUrl"] = "https://static.acme.example/logo.svg",
            ["Ui:AccentColor"] = "#FFD400",
            ["Ui:FooterText"] = "Run by the platform team, #platform on chat",
            ["Ui:LoginMessage"] = "Use your Acme single sign-on account",
        });
        await UiCrates.PublishAsync(app, "acme-http", "1.0.0");

        foreach (var path in new[] { "/", "/crates/acme-http", "/login", "/search?q=acme" })
        {
            var page = await UiCrates.GetOkPageAsync(app, path);
            Assert.EndsWith("Acme Crates", page.Title, StringComparison.Ordinal);
            Assert.Equal("Acme Crates", page.QuerySelector(".site-header .brand strong")!.TextContent);
            Assert.Equal("https://static.acme.example/logo.svg", page.QuerySelector("[data-brand-logo]")!.GetAttribute("src"));
            Assert.Equal("Run by the platform team, #platform on chat", page.QuerySelector("[data-footer-text]")!.TextContent);
            Assert.Contains(page.QuerySelectorAll("link[rel=stylesheet]"), l => l.GetAttribute("href")!.StartsWith(Branding.StyleSheetPath + "?v=", StringComparison.Ordinal));
        }
        var login = await UiCrates.GetOkPageAsync(app, "/login");
        Assert.Equal("Use your Acme single sign-on account", login.QuerySelector("[data-login-message]")!.TextContent);
        Assert.Equal("Acme Crates", (await UiCrates.GetOkPageAsync(app, "/crates/acme-http")).QuerySelector("meta[property='og:site_name']")!.GetAttribute("content"));

        var href = (await UiCrates.GetOkPageAsync(app, "/")).QuerySelectorAll("link[rel=stylesheet]").Select(l => l.GetAttribute("href")!).Single(h => h.StartsWith(Branding.StyleSheetPath, StringComparison.Ordinal));
        var css = await app.Client().GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        var text = await css.Content.ReadAsStringAsync();
        // Yellow takes black text: white on it would fail WCAG AA.
        Assert.Contains("--pico-primary-background: #ffd400;", text, StringComparison.Ordinal);
        Assert.Contains("--pico-primary-inverse: #000000;", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_branding_the_pages_are_ghostcrate_and_no_accent_sheet_is_linked()
    {
        await using var app = await TestApp.StartAsync();
        var home = await UiCrates.GetOkPageAsync(app, "/");
        Assert.Equal("GhostCrate", home.QuerySelector(".site-header .brand strong")!.TextContent);
        Assert.DoesNotContain(home.QuerySelectorAll("link[rel=stylesheet]"), l => l.GetAttribute("href")!.StartsWith(Branding.StyleSheetPath, StringComparison.Ordinal));
        Assert.Null(home.QuerySelector("[data-footer-text]"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync(Branding.StyleSheetPath)).StatusCode);
    }

    [Theory]
    [InlineData("#ffd400", "#000000")]
    [InlineData("#0b3d91", "#ffffff")]
    [InlineData("#777777", "#000000")]
    [InlineData("#6d4fb3", "#ffffff")]
    public void The_text_colour_on_the_accent_always_passes_AA(string accent, string expected)
    {
        var text = Branding.TextColorOn(accent);
        Assert.Equal(expected, text);
        Assert.True(Branding.Contrast(accent, text) >= 4.5, $"{text} on {accent}: {Branding.Contrast(accent, text):F2}");
    }

    [Theory]
    [InlineData("Ui:AccentColor", "red")]
    [InlineData("Ui:AccentColor", "#12345")]
    [InlineData("Ui:LogoUrl", "javascript:alert(1)")]
    [InlineData("Ui:LogoUrl", "//evil.example/logo.png")]
    [InlineData("Ui:DisplayName", " ")]
    public async Task Invalid_branding_stops_the_start_and_names_the_key(string key, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(new() { [key] = value }));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
