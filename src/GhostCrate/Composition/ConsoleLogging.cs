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
        if (options.Requests)
        {
            // The host makes a request's Activity (W3C trace id, taken from an incoming traceparent) and its logging
            // scope only while this category is enabled; the defaults turn it off for the fast paths' sake
            // (ConfigurationFactory). Warning turns them on without ASP.NET Core's own "Request starting ..." lines,
            // which would print query strings (an OAuth code on the sign-in callback). Code filters are added after
            // the configuration's, so this one wins.
            logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        }
        return logging;
    }
}
