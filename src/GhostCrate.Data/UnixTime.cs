namespace GhostCrate.Data;

/// <summary>Timestamps are stored as Unix milliseconds: one portable integer type on every provider, no time zones.</summary>
internal static class UnixTime
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToMs(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromMs(long? value) => value is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
