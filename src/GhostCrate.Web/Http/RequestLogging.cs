using System.Diagnostics;
using GhostCrate.Core.Options;
using GhostCrate.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Http;

/// <summary>
/// One log line per request when Logs:Requests is on: method, route, path, status, duration, trace id, the user, and
/// the crate for writes. Only these fields are written, so headers (Authorization, Cookie), query strings (an OAuth
/// code) and bodies (passwords, tokens) never reach the log.
/// </summary>
/// <remarks>
/// Registered as the first start-up filter, so it wraps Cargo's index and download fast paths too. With the setting
/// off it returns the pipeline unchanged: the fast paths run exactly as without it, at no cost per request.
/// </remarks>
public sealed class RequestLoggingStartupFilter(IOptions<LogOptions> options) : IStartupFilter
{
    /// <summary>With Logs:Requests off, <paramref name="next"/> itself: the pipeline is exactly what it would be without this filter.</summary>
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) =>
        options.Value.Requests
            ? app =>
            {
                app.UseMiddleware<RequestLogMiddleware>();
                next(app);
            }
            : next;
}

public sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    private const string CrateItemKey = "GhostCrate.RequestLog.Crate";

    /// <summary>Names the crate a write acted on when the route does not (publish reads it from the body).</summary>
    public static void SetCrate(HttpContext context, string crate) => context.Items[CrateItemKey] = crate;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // Taken now: the host's request Activity is current here (see ConsoleLogging), whatever runs later.
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            // An exception that escapes becomes a 500 in Kestrel; the response may not say so yet.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            LogRequest(logger, context.Request.Method, route ?? "", context.Request.Path.Value ?? "", status,
                Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3),
                traceId, UserOf(context), CrateOf(context));
        }
    }

    /// <summary>Who made the request, as far as the request itself established it (nothing is looked up for the log).</summary>
    private static string? UserOf(HttpContext context) =>
        context.AuthenticatedToken()?.Principal?.Username ?? context.SessionUser()?.Username;

    /// <summary>The crate of a write: set by the endpoint, or the route's {name} and {version}.</summary>
    private static string? CrateOf(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) return null;
        if (context.Items.TryGetValue(CrateItemKey, out var set) && set is string crate) return crate;
        var values = context.Request.RouteValues;
        if ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText?.StartsWith("/api/v1/crates", StringComparison.Ordinal) != true) return null;
        return values.TryGetValue("name", out var name) && name is string n
            ? values.TryGetValue("version", out var version) && version is string v ? $"{n}@{v}" : n
            : null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "HTTP {Method} {Path} answered {Status} in {DurationMs} ms (route {Route}, user {User}, crate {Crate}, trace {TraceId})")]
    private static partial void LogRequest(ILogger logger, string method, string route, string path, int status, double durationMs, string traceId, string? user, string? crate);
}
