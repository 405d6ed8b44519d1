using System.Globalization;

namespace GhostCrate.Core.Branding;

/// <summary>
/// Whether an accent colour set from the admin UI keeps the pages WCAG AA: the accent fills buttons and draws the
/// header's line on the page background, so as an interface component it needs 3:1 against the background of both
/// themes (WCAG 2.1 SC 1.4.11, https://www.w3.org/TR/WCAG21/#non-text-contrast). Text on the accent is black or
/// white, whichever contrasts more, which always reaches 4.5:1 (<see cref="WcagContrast.TextColorOn"/>). A band of
/// mid colours passes both (e.g. #2f6fdf, #d0302f, #0b7d5a); 4.5:1 against both backgrounds is reachable by no colour.
/// </summary>
public static class AccentRule
{
    public const double MinimumRatio = 3.0;

    /// <summary>Pico's light theme background.</summary>
    public const string LightBackground = "#ffffff";

    /// <summary>Pico's dark theme background (rgb(19, 22.5, 30.5), rounded).</summary>
    public const string DarkBackground = "#13171f";

    /// <summary>Null when the colour passes; else a sentence that says which background fails and the ratio.</summary>
    public static string? Problem(string accent)
    {
        foreach (var (name, background) in new[] { ("light", LightBackground), ("dark", DarkBackground) })
        {
            var ratio = WcagContrast.Ratio(accent, background);
            if (ratio < MinimumRatio)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the accent colour {accent} has a contrast of {Math.Floor(ratio * 100) / 100:0.00}:1 against the {name} background {background}; WCAG AA needs at least {MinimumRatio:0}:1 for buttons and borders in both light and dark mode: pick a {(name == "light" ? "darker" : "lighter")} colour");
            }
        }
        return null;
    }
}
