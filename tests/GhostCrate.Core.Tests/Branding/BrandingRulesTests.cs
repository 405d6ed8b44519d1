using System.Text;
using GhostCrate.Core.Branding;

namespace GhostCrate.Core.Tests.Branding;

/// <summary>
/// The checks of a branding change made from the admin UI: the accent keeps WCAG AA contrast (3:1 for interface
/// components) against both page backgrounds and the refusal says the ratio; the names follow section Ui's rules;
/// a logo is a PNG, WebP or SVG by its bytes, bounded in size, and an SVG that holds script is refused.
/// </summary>
public sealed class BrandingRulesTests
{
    [Theory]
    [InlineData("#2f6fdf")]
    [InlineData("#d0302f")]
    [InlineData("#0b7d5a")]
    [InlineData("#777777")]
    public void A_mid_tone_accent_passes_against_both_backgrounds(string accent)
    {
        Assert.Null(AccentRule.Problem(accent));
        Assert.True(WcagContrast.Ratio(accent, AccentRule.LightBackground) >= 3);
        Assert.True(WcagContrast.Ratio(accent, AccentRule.DarkBackground) >= 3);
    }

    [Theory]
    [InlineData("#ffd400", "1.43:1", "light")]
    [InlineData("#b9a3ee", "2.20:1", "light")]
    [InlineData("#0b3d91", "1.78:1", "dark")]
    [InlineData("#6d4fb3", "2.92:1", "dark")]
    public void An_accent_that_fails_either_background_is_refused_with_its_ratio(string accent, string ratio, string background)
    {
        var problem = AccentRule.Problem(accent);
        Assert.NotNull(problem);
        Assert.Contains(accent, problem, StringComparison.Ordinal);
        Assert.Contains(ratio, problem, StringComparison.Ordinal);
        Assert.Contains($"the {background} background", problem, StringComparison.Ordinal);
        Assert.Contains("3:1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_on_any_accent_reaches_four_and_a_half_to_one()
    {
        for (var grey = 0; grey < 256; grey += 5)
        {
            var colour = $"#{grey:x2}{255 - grey:x2}{grey / 2:x2}";
            Assert.True(WcagContrast.Ratio(colour, WcagContrast.TextColorOn(colour)) >= 4.5, colour);
        }
    }

    [Theory]
    [InlineData("", null, null, "display_name must be at most")]
    [InlineData(null, "crates-io", null, "registry_name must be a cargo registry name")]
    [InlineData(null, "acme@1", null, "registry_name must be a cargo registry name")]
    [InlineData(null, "1acme", null, "registry_name must be a cargo registry name")]
    [InlineData(null, null, "blue", "accent_color must be a colour written #rrggbb")]
    [InlineData(null, null, "#ffd400", "accent_color: the accent colour #ffd400 has a contrast of 1.43:1")]
    public void Bad_texts_are_refused_naming_the_field(string? displayName, string? registryName, string? accent, string expected)
    {
        var texts = BrandingService.Normalize(new BrandingTexts(displayName == "" ? new string('x', 61) : displayName, registryName, accent, null, null));
        Assert.StartsWith(expected, BrandingService.Check(texts), StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_values_mean_the_configuration_and_values_are_trimmed_with_colours_lower_cased()
    {
        var texts = BrandingService.Normalize(new BrandingTexts("  Acme  ", " ", " #2F6FDF ", "", null));
        Assert.Equal(new BrandingTexts("Acme", null, "#2f6fdf", null, null), texts);
        Assert.Null(BrandingService.Check(texts));
        Assert.Equal(BrandingTexts.None, BrandingService.Normalize(new BrandingTexts("", " ", "\t", "\n", "")));
    }

    [Fact]
    public void Png_webp_and_clean_svg_logos_are_accepted_with_the_type_read_from_their_bytes()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        Assert.Equal(LogoCheck.Png, LogoCheck.Inspect(png).Logo!.ContentType);
        var webp = "RIFF\0\0\0\0WEBPVP8 "u8.ToArray();
        Assert.Equal(LogoCheck.WebP, LogoCheck.Inspect(webp).Logo!.ContentType);
        var svg = Encoding.UTF8.GetBytes("""<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>circle{fill:#2f6fdf}</style><a href="https://example.com/"><circle cx="5" cy="5" r="4" opacity=".5"/></a></svg>""");
        var (logo, problem) = LogoCheck.Inspect(svg);
        Assert.Null(problem);
        Assert.Equal(LogoCheck.Svg, logo!.ContentType);
        Assert.Equal(12, logo.Version.Length);
    }

    [Theory]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>""", "<script> element")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>""", "event handler attribute (onload)")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><g><rect ONCLICK="x()"/></g></svg>""", "event handler attribute (ONCLICK)")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href=" javascript:alert(1)"><text>x</text></a></svg>""", "javascript: link")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><a href="java&#9;script:alert(1)"><text>x</text></a></svg>""", "javascript: link")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><a href="&#32;JAVA&#10;SCRIPT&#13;:alert(1)"><text>x</text></a></svg>""", "javascript: link")]
    [InlineData("""<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>""", "<foreignObject> element")]
    [InlineData("""<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>""", "without a DTD")]
    [InlineData("""<html><body>not an image</body></html>""", "must be a PNG, WebP or SVG")]
    [InlineData("""GIF89a""", "must be a PNG, WebP or SVG")]
    public void Other_files_and_svgs_with_script_are_refused_saying_why(string content, string expected)
    {
        var (logo, problem) = LogoCheck.Inspect(Encoding.UTF8.GetBytes(content));
        Assert.Null(logo);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_logo_past_the_limit_or_empty_is_refused_with_the_limit()
    {
        var big = new byte[LogoCheck.MaxBytes + 1];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(big, 0);
        Assert.Contains($"at most {LogoCheck.MaxBytes} bytes", LogoCheck.Inspect(big).Problem, StringComparison.Ordinal);
        Assert.NotNull(LogoCheck.Inspect(big.AsSpan(0, LogoCheck.MaxBytes)).Logo);
        Assert.Equal("the logo file is empty", LogoCheck.Inspect([]).Problem);
    }
}
