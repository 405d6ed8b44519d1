using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Core.Jobs;

public static class JobServiceCollectionExtensions
{
    /// <summary>Registers the handler of one job kind; the worker dispatches to it.</summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services)
        where THandler : class, IJobHandler
    {
        services.AddSingleton<THandler>();
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<THandler>());
        return services;
    }

    /// <summary>Queues <paramref name="job"/> on its schedule (once per run across all nodes).</summary>
    public static IServiceCollection AddRecurringJob(this IServiceCollection services, RecurringJob job)
    {
        services.AddSingleton(job);
        return services;
    }
}
