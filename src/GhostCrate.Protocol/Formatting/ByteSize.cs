using System.Globalization;

namespace GhostCrate.Protocol.Formatting;

/// <summary>Renders byte counts for messages cargo shows to people ("12.5 MiB").</summary>
public static class ByteSize
{
    private const double KiB = 1024;
    private const double MiB = 1024 * 1024;
    private const double GiB = 1024 * 1024 * 1024;

    public static string Format(long bytes) => bytes switch
    {
        < 1024 => bytes == 1 ? "1 byte" : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes",
        < 1024 * 1024 => Unit(bytes / KiB, "KiB"),
        < 1024L * 1024 * 1024 => Unit(bytes / MiB, "MiB"),
        _ => Unit(bytes / GiB, "GiB"),
    };

    /// <summary>
    /// Formats an actual size next to a limit. When rounding would print the same figure for both
    /// ("10 MiB, larger than the limit of 10 MiB") the exact byte counts are used instead, so the
    /// message never contradicts itself.
    /// </summary>
    public static (string Actual, string Limit) FormatPair(long actual, long limit)
    {
        var a = Format(actual);
        var l = Format(limit);
        return a == l
            ? ($"{actual.ToString(CultureInfo.InvariantCulture)} bytes", $"{limit.ToString(CultureInfo.InvariantCulture)} bytes")
            : (a, l);
    }

    private static string Unit(double value, string unit) =>
        $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {unit}";
}
