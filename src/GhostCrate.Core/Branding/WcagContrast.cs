using System.Globalization;

namespace GhostCrate.Core.Branding;

/// <summary>WCAG 2.x relative luminance and contrast ratio of #rrggbb colours (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).</summary>
public static class WcagContrast
{
    public static double Ratio(string a, string b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>Black or white, whichever contrasts more with <paramref name="background"/> (at least 4.58:1 for any colour).</summary>
    public static string TextColorOn(string background) =>
        Ratio(background, "#000000") >= Ratio(background, "#ffffff") ? "#000000" : "#ffffff";

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
