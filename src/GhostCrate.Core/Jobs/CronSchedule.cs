using Cronos;

namespace GhostCrate.Core.Jobs;

/// <summary>
/// A standard five-field cron expression (minute hour day-of-month month day-of-week) in a time zone. Cronos computes
/// the occurrences, including daylight-saving transitions: a time skipped by a spring-forward runs at the moment the
/// clock jumps, one repeated in autumn runs once (https://github.com/HangfireIO/Cronos#daylight-saving-time).
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        Zone = zone;
    }

    public string Text { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses <paramref name="text"/> in the IANA (or Windows) time zone <paramref name="timeZone"/>; the error names what is wrong.</summary>
    public static bool TryParse(string text, string timeZone, out CronSchedule? schedule, out string? error)
    {
        schedule = null;
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"'{timeZone}' is not a known time zone (use an IANA name such as UTC or Europe/Berlin)";
            return false;
        }
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(text, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            error = $"'{text}' is not a five-field cron expression (minute hour day-of-month month day-of-week): {ex.Message}";
            return false;
        }
        // "0 0 30 2 *" parses but never fires: refuse it at start-up rather than never backing up.
        if (expression.GetNextOccurrence(DateTimeOffset.UnixEpoch, zone) is null)
        {
            error = $"'{text}' never falls due";
            return false;
        }
        schedule = new CronSchedule(text, expression, zone);
        error = null;
        return true;
    }

    public static CronSchedule Parse(string text, string timeZone) =>
        TryParse(text, timeZone, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after, Zone, inclusive: false)
        ?? throw new InvalidOperationException($"the cron expression '{Text}' has no occurrence after {after:O}");

    public override string ToString() => Zone == TimeZoneInfo.Utc ? Text : $"{Text} ({Zone.Id})";
}
