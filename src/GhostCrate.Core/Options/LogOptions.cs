namespace GhostCrate.Core.Options;

/// <summary>
/// Section Logs: what the console log looks like. (Log levels stay in the standard Logging:LogLevel section.)
/// </summary>
public sealed class LogOptions
{
    public const string Section = "Logs";

    /// <summary>Text (one readable line per event) or Json (one JSON object per line, for log collectors).</summary>
    public LogFormat Format { get; set; } = LogFormat.Text;

    /// <summary>
    /// One line per HTTP request (method, route, status, duration, user, crate on writes), Cargo's index and download
    /// fast paths included. Off by default: those answer in microseconds, and a log line per request costs more
    /// than that; when off, nothing is added to the request pipeline.
    /// </summary>
    public bool Requests { get; set; }
}

public enum LogFormat
{
    Text,
    Json,
}
