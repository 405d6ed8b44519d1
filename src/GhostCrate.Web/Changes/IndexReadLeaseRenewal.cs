using GhostCrate.Core.Index;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Web.Changes;

/// <summary>
/// Keeps this node's <see cref="IndexReadLease"/> (several nodes on one PostgreSQL): renews it four times per lease
/// while the server runs and gives it up on stop, so that no write waits for a node that is going away. A failed
/// renewal is logged; the lease then lapses at its end and index reads ask the change counter until the next one.
/// </summary>
public sealed class IndexReadLeaseRenewal(IndexReadLease lease, IndexChangeFollower follower, TimeProvider time, ILogger<IndexReadLeaseRenewal> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!lease.Enabled) return;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await lease.RenewAsync(follower, stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(exception, "Renewing this node's index read lease failed; index reads ask the database until a renewal succeeds");
                }
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
}
