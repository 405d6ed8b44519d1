using GhostCrate.Core.Proxy;

namespace GhostCrate.Core.Tests.Proxy;

public sealed class UpstreamStatsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_status_read_during_a_flush_sees_the_counters_once_never_zero()
    {
        // A status read that fell between the flush taking the delta and the database committing it used to show
        // neither (ProxyCircuitBreakerTests saw every counter at 0 once, on PostgreSQL).
        var stats = new UpstreamStats("crates-io");
        stats.StaleServed();
        stats.StaleServed();
        var database = UpstreamCounters.Zero;
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flush = stats.FlushAsync(async delta =>
        {
            await commit.Task;
            database = database.Add(delta);
        }, Ct);

        var read = stats.ReadAsync(() => Task.FromResult(database), Ct);
        Assert.False(read.IsCompleted, "the read went ahead while the delta was neither in memory nor stored");
        commit.SetResult();
        await flush.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(2, (await read.WaitAsync(TimeSpan.FromSeconds(30), Ct)).StaleServed);
        Assert.Equal(2, (await stats.ReadAsync(() => Task.FromResult(database), Ct)).StaleServed);
    }

    [Fact]
    public async Task A_delta_the_database_refused_is_kept_for_the_next_flush()
    {
        var stats = new UpstreamStats("crates-io");
        stats.StaleServed();
        await Assert.ThrowsAsync<InvalidOperationException>(() => stats.FlushAsync(_ => throw new InvalidOperationException("database down"), Ct));
        stats.StaleServed();
        UpstreamCounters? stored = null;
        await stats.FlushAsync(delta => { stored = delta; return Task.CompletedTask; }, Ct);
        Assert.Equal(2, stored!.StaleServed);
        Assert.Equal(0, stats.Peek().StaleServed);
    }
}
