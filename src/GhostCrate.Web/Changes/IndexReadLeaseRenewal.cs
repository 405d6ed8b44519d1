using GhostCrate.Core.Index;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Changes;

/// <summary>
/// Keeps this node's <see cref="IndexReadLease"/> (several nodes on one PostgreSQL): renews it four times per lease
/// while the server runs and gives it up on stop, so that no write waits for a node that is going away. A failed
/// renewal lets the lease lapse at its end, and index reads ask the change counter until the next one succeeds; an
/// outage is logged once, not once per renewal (<see cref="RenewOnceAsync"/>).
/// </summary>
public sealed class IndexReadLeaseRenewal(IndexReadLease lease, IndexChangeFollower follower, TimeProvider time, ILogger<IndexReadLeaseRenewal> logger)
    : BackgroundService
{
    /// <summary>How often a warning repeats while renewals keep failing (the first failure is always one).</summary>
    internal static readonly TimeSpan RemindEvery = TimeSpan.FromMinutes(1);

    // Only the renewal loop touches these: one renewal at a time.
    private int _failures;
    private long _lastWarning;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!lease.Enabled) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RenewOnceAsync(stoppingToken);
                await Task.Delay(lease.RenewEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await lease.ReleaseAsync(CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The row lapses on its own within one lease; writes wait for it until then.
                logger.LogWarning(exception, "Giving up this node's index read lease failed");
            }
        }
    }

    /// <summary>
    /// One renewal and what it tells the operator. With the database away, renewals fail four times per lease (every
    /// 500 ms by default): the first failure of an outage is a warning, the others are Debug lines with a reminder
    /// warning at most once per <see cref="RemindEvery"/>, and the first success after them says how many failed.
    /// </summary>
    internal async Task RenewOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            await lease.RenewAsync(follower, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            _failures++;
            if (_failures == 1 || time.GetElapsedTime(_lastWarning) >= RemindEvery)
            {
                _lastWarning = time.GetTimestamp();
                if (_failures == 1)
                    logger.LogWarning(exception, "Renewing this node's index read lease failed; index reads ask the database until a renewal succeeds");
                else
                    logger.LogWarning(exception, "Renewing this node's index read lease still fails ({Failures} consecutive failures); index reads ask the database until a renewal succeeds", _failures);
            }
            else
            {
                logger.LogDebug(exception, "Renewing this node's index read lease failed again ({Failures} consecutive failures)", _failures);
            }
            return;
        }
        if (_failures > 0)
        {
            logger.LogInformation("Index read lease renewed after {Failures} failures; index reads answer from memory again", _failures);
            _failures = 0;
        }
    }
}
