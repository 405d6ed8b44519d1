using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GhostCrate.Web.Metrics;

/// <summary>
/// `http.server.active_requests`, counted here and read when /metrics is scraped. ASP.NET Core's own up-down counter
/// of that name is dropped (<see cref="TelemetryServices"/>): it records two tagged measurements through the exporter's
/// aggregator on every request, a measurable share of a 304's cost, while a plain count answers the same question
/// ("how many requests are in flight?"). This one has no method or scheme labels.
/// </summary>
public sealed class ActiveRequests
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    internal void Enter() => Interlocked.Increment(ref _count);

    internal void Leave() => Interlocked.Decrement(ref _count);
}

/// <summary>
/// Registered first, so the fast paths' requests are counted too. Adds nothing when metrics are off (no
/// <see cref="ActiveRequests"/> is registered then).
/// </summary>
public sealed class ActiveRequestsStartupFilter(IServiceProvider services) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (services.GetService(typeof(ActiveRequests)) is ActiveRequests active) Count(app, active);
        next(app);
    };

    private static void Count(IApplicationBuilder app, ActiveRequests active) =>
        app.Use(nextMiddleware => context =>
        {
            active.Enter();
            Task pending;
            try
            {
                pending = nextMiddleware(context);
            }
            catch
            {
                active.Leave();
                throw;
            }
            // Most fast-path answers complete synchronously: no state machine for them.
            if (pending.IsCompleted)
            {
                active.Leave();
                return pending;
            }
            return LeaveWhenDone(pending, active);
        });

    private static async Task LeaveWhenDone(Task pending, ActiveRequests active)
    {
        try
        {
            await pending;
        }
        finally
        {
            active.Leave();
        }
    }
}
