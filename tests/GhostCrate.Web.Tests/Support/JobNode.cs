using GhostCrate.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// One node's own job scheduler and runner, as its job worker would drive them: tests start the node with
/// Jobs:Enabled=false and a clock they move, so no test waits for a schedule.
/// </summary>
public sealed record JobNode(JobScheduler Scheduler, JobRunner Runner)
{
    public static JobNode Of(TestApp app) => new(app.Services.GetRequiredService<JobScheduler>(), app.Services.GetRequiredService<JobRunner>());

    public Task<int> TickAsync() => Scheduler.TickAsync(CancellationToken.None);

    /// <summary>Runs due jobs (of every kind) until none is left.</summary>
    public Task RunAllAsync() => RunDueAsync(Runner);

    /// <summary>Runs due jobs on <paramref name="runner"/> (of every kind it handles) until none is left.</summary>
    public static async Task RunDueAsync(JobRunner runner)
    {
        while (await runner.RunNextAsync(CancellationToken.None)) { }
    }
}
