using GhostCrate.Core.Index;
using Microsoft.Extensions.Hosting;

namespace GhostCrate.Web.Http;

/// <summary>
/// Keeps this node following the index change counter while the server runs (LISTEN/NOTIFY on PostgreSQL, a poll of
/// the counter on SQLite), so files other nodes changed leave this node's memory without waiting for a request.
/// </summary>
public sealed class IndexChangeListener(IndexChangeFollower follower) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => follower.RunAsync(stoppingToken);
}
