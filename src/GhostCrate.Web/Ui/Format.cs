using System.Globalization;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Web.Ui;

/// <summary>How numbers, sizes and times read on the pages (one place, so every page says it the same way).</summary>
public static class Format
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>1234 -> 1.2k, 1234567 -> 1.2M: for tight lists; the exact number goes in a title.</summary>
    public static string Compact(long value) => value switch
    {
        < 1_000 => value.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => (value / 1_000d).ToString(value < 10_000 ? "0.#" : "0", CultureInfo.InvariantCulture) + "k",
        _ => (value / 1_000_000d).ToString(value < 10_000_000 ? "0.#" : "0", CultureInfo.InvariantCulture) + "M",
    };

    public static string Bytes(long value) => ByteSize.Format(value);

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 for &lt;time datetime&gt;.</summary>
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static string Ago(DateTimeOffset value, DateTimeOffset now)
    {
        var span = now - value;
        if (span < TimeSpan.FromMinutes(1)) return "just now";
        if (span < TimeSpan.FromHours(1)) return Plural((int)span.TotalMinutes, "minute") + " ago";
        if (span < TimeSpan.FromDays(1)) return Plural((int)span.TotalHours, "hour") + " ago";
        if (span < TimeSpan.FromDays(31)) return Plural((int)span.TotalDays, "day") + " ago";
        if (span < TimeSpan.FromDays(365)) return Plural((int)(span.TotalDays / 30.4), "month") + " ago";
        return Plural((int)(span.TotalDays / 365.25), "year") + " ago";
    }

    /// <summary>A short span for people: 45 s, 12 min, 3 h, 2 days.</summary>
    public static string Duration(TimeSpan span) =>
        span < TimeSpan.FromMinutes(2) ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : span < TimeSpan.FromHours(2) ? $"{(int)span.TotalMinutes} min"
        : span < TimeSpan.FromDays(2) ? $"{(int)span.TotalHours} h"
        : Plural((int)span.TotalDays, "day");

    public static string Plural(long n, string word) => $"{Count(n)} {word}{(n == 1 ? "" : "s")}";
}
