using GhostCrate.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Jobs;

/// <summary>
/// Leases one due job and runs it through the handler of its kind, then records the outcome (done, retry after the
/// backoff, dead after the last attempt). The hosted worker calls this in a loop; tests call it directly with a fake
/// TimeProvider, so no test waits for a real clock.
/// </summary>
public sealed class JobRunner
{
    private readonly IJobRepository _jobs;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly JobOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobRunner> _logger;

    public JobRunner(IJobRepository jobs, IEnumerable<IJobHandler> handlers, IOptions<JobOptions> options, TimeProvider time, ILogger<JobRunner> logger)
    {
        _jobs = jobs;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _handlers = new Dictionary<string, IJobHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            // Two handlers for one kind would make which one runs depend on registration order.
            if (!_handlers.TryAdd(handler.Kind, handler))
                throw new InvalidOperationException($"Two job handlers are registered for kind '{handler.Kind}'.");
        }
    }

    public IReadOnlyCollection<string> Kinds => _handlers.Keys;

    /// <summary>Runs one due job; false when none was due.</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        if (_handlers.Count == 0) return false;
        var leased = await _jobs.DequeueAsync(_handlers.Keys, _time.GetUtcNow(), _options.LeaseDuration, cancellationToken);
        if (leased is null) return false;

        var job = leased.Job;
        JobOutcome outcome;
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewWhileRunningAsync(leased, running.Token);
        try
        {
            outcome = await _handlers[job.Kind].HandleAsync(job, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Job {JobId} ({JobKind}) failed on attempt {Attempt}", job.Id, job.Kind, job.Attempts);
            outcome = JobOutcome.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await running.CancelAsync();
            await renewing;
        }

        var now = _time.GetUtcNow();
        bool recorded;
        switch (outcome.Kind)
        {
            case JobOutcomeKind.Succeeded:
                recorded = await _jobs.CompleteAsync(leased, now, CancellationToken.None);
                break;
            case JobOutcomeKind.Retry when job.Attempts < job.MaxAttempts:
                // A handler with its own schedule (webhooks follow Standard Webhooks') names the time; others back off.
                var retryAt = outcome.NotBefore ?? now + JobBackoff.Delay(job.Attempts, _options.BaseBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
                recorded = await _jobs.FailAsync(leased, Truncate(outcome.Error), retryAt, now, CancellationToken.None);
                break;
            default:
                _logger.LogWarning("Job {JobId} ({JobKind}) is dead after {Attempts} attempts: {Error}", job.Id, job.Kind, job.Attempts, outcome.Error);
                recorded = await _jobs.FailAsync(leased, Truncate(outcome.Error), null, now, CancellationToken.None);
                break;
        }
        if (!recorded)
            _logger.LogWarning("Job {JobId} ({JobKind}) outlived its lease; another worker has taken it", job.Id, job.Kind);
        return true;
    }

    /// <summary>
    /// Renews the lease every third of its duration while the handler runs, so a job that outlasts one lease (a
    /// backup of a large registry) is not taken and run a second time by another node; a worker that dies stops
    /// renewing and its lease runs out as before.
    /// </summary>
    private async Task RenewWhileRunningAsync(LeasedJob leased, CancellationToken cancellationToken)
    {
        var every = _options.LeaseDuration / 3;
        while (true)
        {
            try
            {
                await Task.Delay(every, _time, cancellationToken);
                if (!await _jobs.RenewLeaseAsync(leased, _time.GetUtcNow() + _options.LeaseDuration, cancellationToken))
                {
                    _logger.LogWarning("Job {JobId} ({JobKind}) lost its lease while running", leased.Job.Id, leased.Job.Kind);
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database was unreachable for a moment: the lease still has two thirds left; try again.
                _logger.LogWarning(ex, "Could not renew the lease of job {JobId} ({JobKind})", leased.Job.Id, leased.Job.Kind);
            }
        }
    }

    // Errors can quote a response body; the column and the admin page need only the start of it.
    private static string Truncate(string? error) =>
        error is null ? "" : error.Length <= 2000 ? error : error[..2000];
}
