using System.Globalization;
using System.Text.RegularExpressions;

namespace GhostCrate.Packaging.Toml;

/// <summary>Booleans, integers, floats and date-times (https://toml.io/en/v1.0.0#integer and following).</summary>
internal static partial class TomlScalars
{
    /// <summary>Returns a bool, long or double, or null when the token is none of them.</summary>
    public static object? Parse(string token)
    {
        switch (token)
        {
            case "true": return true;
            case "false": return false;
            case "inf" or "+inf": return double.PositiveInfinity;
            case "-inf": return double.NegativeInfinity;
            case "nan" or "+nan" or "-nan": return double.NaN;
        }

        if (Hex().IsMatch(token)) return ParseRadix(token[2..], 16);
        if (Octal().IsMatch(token)) return ParseRadix(token[2..], 8);
        if (Binary().IsMatch(token)) return ParseRadix(token[2..], 2);
        if (DecimalInteger().IsMatch(token))
            return long.TryParse(token.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null;
        if (Float().IsMatch(token))
            return double.Parse(token.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>The date-time literal starting at <paramref name="start"/>, if there is one.</summary>
    public static string? MatchDateTime(string text, int start)
    {
        var match = DateTime().Match(text, start);
        return match.Success ? match.Value : null;
    }

    private static long? ParseRadix(string digits, int radix)
    {
        try
        {
            var value = Convert.ToUInt64(digits.Replace("_", ""), radix);
            return value <= long.MaxValue ? (long)value : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$")]
    private static partial Regex Hex();

    [GeneratedRegex(@"^0o[0-7](_?[0-7])*$")]
    private static partial Regex Octal();

    [GeneratedRegex(@"^0b[01](_?[01])*$")]
    private static partial Regex Binary();

    // No leading zeros; underscores only between digits.
    [GeneratedRegex(@"^[+-]?(0|[1-9](_?[0-9])*)$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?|[eE][+-]?[0-9](_?[0-9])*)$")]
    private static partial Regex Float();

    // Offset/local date-time, local date, local time. \G anchors the match at the start position.
    [GeneratedRegex(@"\G([0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?)?|[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)")]
    private static partial Regex DateTime();
}
