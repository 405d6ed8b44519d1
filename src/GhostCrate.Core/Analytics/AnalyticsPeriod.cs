namespace GhostCrate.Core.Analytics;

/// <summary>The ranges the analytics offer: the last 7, 30 or 90 UTC days up to and including today.</summary>
public sealed record AnalyticsPeriod(string Name, int Days)
{
    public static readonly AnalyticsPeriod Week = new("7d", 7);
    public static readonly AnalyticsPeriod Month = new("30d", 30);
    public static readonly AnalyticsPeriod Quarter = new("90d", 90);

    public static readonly AnalyticsPeriod Default = Month;

    public static IReadOnlyList<AnalyticsPeriod> All { get; } = [Week, Month, Quarter];

    /// <summary>`7d`, `30d` or `90d`; no value means <see cref="Default"/>. False for anything else.</summary>
    public static bool TryParse(string? text, out AnalyticsPeriod period)
    {
        if (string.IsNullOrEmpty(text))
        {
            period = Default;
            return true;
        }
        period = All.FirstOrDefault(p => string.Equals(p.Name, text, StringComparison.OrdinalIgnoreCase))!;
        return period is not null;
    }

    /// <summary>The message for a value <see cref="TryParse"/> refused.</summary>
    public static string Invalid(string text) =>
        $"unknown period `{(text.Length > 40 ? text[..40] + "…" : text)}`; use one of {string.Join(", ", All.Select(p => p.Name))}";
}
