using GhostCrate.Core.Changes;
using GhostCrate.Core.Jobs;
using GhostCrate.Core.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Web.Jobs;

/// <summary>
/// Runs the job queue on this node: Jobs:Concurrency loops that each run due jobs until none is left, then sleep until
/// a wake-up (the change feed's jobs topic from another node, or an enqueue in this process) or Jobs:PollInterval, whichever comes first. The
/// first loop also queues due recurring jobs. On stop, a running job's lease simply expires if it cannot finish: the
/// job runs again elsewhere (handlers tolerate that).
/// </summary>
public sealed class JobWorker(
    JobRunner runner,
    JobScheduler scheduler,
    IJobWakeup wakeup,
    IChangeFeed changes,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            logger.LogInformation("Job worker is off on this node (Jobs:Enabled=false)");
            return;
        }
        // Jobs queued on other nodes (PostgreSQL) wake this one; after a lost feed connection the catch-up wakes it too.
        using var subscription = changes.Subscribe(ChangeTopics.Jobs, _ =>
        {
            wakeup.Signal();
            return Task.CompletedTask;
        });
        logger.LogInformation("Job worker started with {Concurrency} loops for kinds {Kinds}", settings.Concurrency, string.Join(", ", runner.Kinds));
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(i => LoopAsync(i == 0, settings.PollInterval, stoppingToken)));
    }

    private async Task LoopAsync(bool schedules, TimeSpan pollInterval, CancellationToken stoppingToken)
    {
        // Off the start-up path: the first iteration touches the database.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Listen before looking, so a job queued between the look and the wait still wakes this loop.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var signalled = wakeup.WaitAsync(wait.Token);
                if (schedules) await scheduler.TickAsync(stoppingToken);
                while (await runner.RunNextAsync(stoppingToken)) { }
                await Task.WhenAny(signalled, Task.Delay(pollInterval, time, wait.Token));
                await wait.CancelAsync();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database was unreachable, say: keep the loop alive and try again after one poll interval.
                logger.LogWarning(ex, "Job worker loop failed; retrying");
                try { await Task.Delay(pollInterval, time, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
