using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Ui;

/// <summary>
/// The registry's name, logo, accent colour, footer and login texts (section Ui). The accent colour reaches pages as a
/// small style sheet of its own (the CSP allows no inline style), with the text colour on it picked automatically.
/// </summary>
public sealed class Branding
{
    public const string StyleSheetPath = "/ui/brand.css";

    public Branding(IOptions<UiOptions> options)
    {
        var ui = options.Value;
        DisplayName = ui.DisplayName;
        LogoUrl = string.IsNullOrWhiteSpace(ui.LogoUrl) ? null : ui.LogoUrl;
        FooterText = string.IsNullOrWhiteSpace(ui.FooterText) ? null : ui.FooterText;
        LoginMessage = string.IsNullOrWhiteSpace(ui.LoginMessage) ? null : ui.LoginMessage;
        if (ui.AccentColor is { Length: > 0 } accent)
        {
            AccentColor = accent.ToLowerInvariant();
            AccentText = TextColorOn(AccentColor);
            // Same selectors as Pico's light and dark themes, loaded after Pico, so the accent wins in both.
            StyleSheet = $$"""
                :root:not([data-theme=dark]), :root:not([data-theme=light]) {
                  --pico-primary-background: {{AccentColor}};
                  --pico-primary-border: {{AccentColor}};
                  --pico-primary-hover-background: {{AccentColor}};
                  --pico-primary-hover-border: {{AccentColor}};
                  --pico-primary-inverse: {{AccentText}};
                }
                .site-header { border-bottom: 4px solid {{AccentColor}}; }
                """;
            StyleSheetUrl = $"{StyleSheetPath}?v={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(StyleSheet)))[..12]}";
        }
    }

    public string DisplayName { get; }
    public string? LogoUrl { get; }
    public string? FooterText { get; }
    public string? LoginMessage { get; }
    public string? AccentColor { get; }

    /// <summary>Black or white, whichever contrasts more with the accent (at least 4.58:1 for any colour).</summary>
    public string? AccentText { get; }
    public string? StyleSheet { get; }
    public string? StyleSheetUrl { get; }

    /// <summary>WCAG 2.x relative luminance and contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).</summary>
    public static double Contrast(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    public static string TextColorOn(string background) =>
        Contrast(background, "#000000") >= Contrast(background, "#ffffff") ? "#000000" : "#ffffff";

    private static double Luminance(string hex)
    {
        double Channel(int offset)
        {
            var c = int.Parse(hex.AsSpan(offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(1) + 0.7152 * Channel(3) + 0.0722 * Channel(5);
    }
}

public static class BrandingEndpoints
{
    /// <summary>GET /ui/brand.css: the accent colour's style sheet; the URL carries its hash, so it is cached for a year.</summary>
    public static IEndpointRouteBuilder MapBrandStyleSheet(this IEndpointRouteBuilder app)
    {
        app.MapGet(Branding.StyleSheetPath, (Branding branding, HttpContext context) =>
        {
            if (branding.StyleSheet is null) return Results.NotFound();
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Text(branding.StyleSheet, "text/css; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }
}
