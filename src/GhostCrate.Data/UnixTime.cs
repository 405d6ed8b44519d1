namespace GhostCrate.Data;

/// <summary>Timestamps are stored as Unix milliseconds: one portable integer type on every provider, no time zones.</summary>
internal static class UnixTime
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToMs(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromMs(long? value) => value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}

/// <summary>UTC days are stored as days since 1970-01-01: one portable integer, like the millisecond timestamps.</summary>
internal static class UnixDays
{
    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    public static int From(DateOnly day) => day.DayNumber - Epoch;

    public static DateOnly ToDate(long day) => DateOnly.FromDayNumber((int)day + Epoch);
}
