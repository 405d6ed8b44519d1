using GhostCrate.Core.Threading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GhostCrate.Web.Http;

/// <summary>
/// Everything after the fast paths (routing, authentication, pages, publish, search) runs on the thread pool. With
/// inline socket completions (<see cref="IoThreads"/>) a request arrives on a socket event thread, where only answers
/// from memory belong: the fast paths give those there, and anything of theirs that has to wait for the database
/// leaves on its own (the SQLite connection factory). A request body is read through <see cref="PoolResumingStream"/>,
/// so a read that waited for the client continues on the thread pool too, not on the event thread that received the
/// bytes. Without inline completions this does nothing.
/// </summary>
public sealed class ThreadPoolPipeline(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (IoThreads.InlineCompletions)
        {
            await IoThreads.LeaveAsync();
            // Kestrel sets a new body stream for every request, so the wrapper needs no undoing.
            if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
                context.Request.Body = new PoolResumingStream(context.Request.Body);
        }
        await next(context);
    }
}

/// <summary>Puts <see cref="ThreadPoolPipeline"/> after the fast paths' filters, in front of the application pipeline.</summary>
public sealed class ThreadPoolPipelineStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<ThreadPoolPipeline>();
        next(app);
    };
}
