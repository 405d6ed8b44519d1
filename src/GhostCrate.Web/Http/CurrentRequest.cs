using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Http;

/// <summary>
/// The HTTP request the current code runs for, for services that do not get it passed (the caller behind
/// <see cref="Auth.ICurrentUser"/>, the audit log's client address). ASP.NET Core's IHttpContextAccessor does the same,
/// but registering it makes the server stop reusing a connection's HttpContext between requests, for every request
/// (the fast paths' too): at 100k crates that was ~40 % of what a 304 allocated (a new HttpContext, request and
/// response, and a change of ExecutionContext per request; bench/README.md). This one is set only for requests that
/// reach the application pipeline (<see cref="Use"/>), and is emptied when the request ends, so code that outlives its
/// request never sees the reused HttpContext of a later one.
/// </summary>
public sealed class CurrentRequest
{
    private static readonly AsyncLocal<Holder?> Current = new();

    public HttpContext? HttpContext => Current.Value?.Context;

    /// <summary>Sets the current request for the rest of the pipeline (call it first).</summary>
    public static void Use(IApplicationBuilder app) => app.Use(next => context => RunAsync(context, next));

    private static async Task RunAsync(HttpContext context, RequestDelegate next)
    {
        // The holder, not the context, flows with the ExecutionContext: emptying it reaches every copy.
        var holder = new Holder { Context = context };
        Current.Value = holder;
        try
        {
            await next(context);
        }
        finally
        {
            holder.Context = null;
        }
    }

    private sealed class Holder
    {
        public HttpContext? Context;
    }
}
