using System.Text.Json;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Composition;

/// <summary>The console log of `ghostcrate serve`: readable lines, or one JSON object per line (Logs:Format=Json).</summary>
public static class ConsoleLogging
{
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static ILoggingBuilder AddGhostCrateConsole(this ILoggingBuilder logging, LogOptions options)
    {
        logging.ClearProviders();
        if (options.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = TimestampFormat;
                // Scopes carry the request's TraceId, SpanId, RequestId and RequestPath (ASP.NET Core's hosting scope).
                o.IncludeScopes = true;
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = TimestampFormat + " ";
                o.UseUtcTimestamp = true;
            });
        }
        // ASP.NET Core's own "Request starting ..." lines print the query string, which can hold an OAuth code
        // (the sign-in callback) or anything a client put there; Logs:Requests writes a line without it instead.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return logging;
    }
}
