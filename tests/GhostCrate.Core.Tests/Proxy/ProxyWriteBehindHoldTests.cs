using System.Security.Cryptography;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// The write-behind yields to the build that fills it (<see cref="ProxyWriteBehind.QuietPeriod"/>): nothing is written
/// while files keep arriving, everything once they stop, and the hold is bounded by time
/// (<see cref="ProxyWriteBehind.MaxHoldBack"/>), by memory (half of <see cref="ProxyWriteBehind.MaxPendingBytes"/>)
/// and by a caller that waits (a stop, warming, the status page). The clock is the harness's manual one.
/// </summary>
public class ProxyWriteBehindHoldTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // against a hang, not a timing assertion
    private const string V1 = "{\"name\":\"serde\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"aa\",\"features\":{},\"yanked\":false}\n";

    private static ProxyHarness Harness() => new(new ScriptedUpstream(_ => ScriptedUpstream.Body(V1)));

    private static Task Scheduled(ProxyHarness h) => h.Time.WhenScheduledAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);

    private static Task<ProxyIndexResult> FetchAsync(ProxyHarness h, string name) => h.GetAsync(name).WaitAsync(Guard, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Files_are_written_once_nothing_new_arrived_for_a_quiet_period()
    {
        var h = Harness();
        var saved = h.Cache.BatchSaved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await FetchAsync(h, "first");
        await Scheduled(h); // the drain waits for quiet
        h.Time.Advance(ProxyWriteBehind.QuietPeriod - TimeSpan.FromMilliseconds(1));
        await FetchAsync(h, "second"); // the build is still fetching
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Scheduled(h); // an arrival in the period: the drain waits another one
        Assert.Equal(0, h.Cache.Batches);
        Assert.Empty(h.Cache.Files);

        h.Time.Advance(ProxyWriteBehind.QuietPeriod);
        await saved.Task.WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(1, h.Cache.Batches);
        Assert.Equal(["first", "second"], h.Cache.Files.Keys.Select(k => k.Item2).Order());
    }

    [Fact]
    public async Task A_steady_stream_of_files_holds_the_writes_back_at_most_MaxHoldBack()
    {
        var h = Harness();
        var saved = h.Cache.BatchSaved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await FetchAsync(h, "file0");
        var waited = TimeSpan.Zero;
        var i = 0;
        // A new file in every quiet period: held back while less than MaxHoldBack has passed.
        while (waited + ProxyWriteBehind.QuietPeriod < ProxyWriteBehind.MaxHoldBack)
        {
            await Scheduled(h);
            await FetchAsync(h, $"file{++i}");
            h.Time.Advance(ProxyWriteBehind.QuietPeriod);
            waited += ProxyWriteBehind.QuietPeriod;
        }
        await Scheduled(h);
        Assert.Equal(0, h.Cache.Batches);

        // One period more, still with an arrival: the hold has run out, everything is written.
        await FetchAsync(h, $"file{++i}");
        h.Time.Advance(ProxyWriteBehind.QuietPeriod);
        await saved.Task.WaitAsync(Guard, TestContext.Current.CancellationToken);
        await h.WriteBehind.WhenIdleAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(i + 1, h.Cache.Files.Count);
    }

    [Fact]
    public async Task Half_the_memory_budget_waiting_starts_the_writes_without_waiting_for_quiet()
    {
        var h = Harness();
        var saved = h.Cache.BatchSaved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int OneMiB = 1024 * 1024;
        var filler = new ArraySegment<byte>(new byte[OneMiB]);
        var sum = Convert.ToHexStringLower(SHA256.HashData(filler));
        ProxyWriteBehind.PendingCrate Crate(int n) => new("crates-io", "filler", $"1.0.{n}", BlobKey.ProxyCrateFile("crates-io", "filler", $"1.0.{n}"), filler, sum, ProxyHarness.Start);

        var half = (int)(ProxyWriteBehind.MaxPendingBytes / 2 / OneMiB);
        for (var n = 0; n < half; n++) Assert.True(h.WriteBehind.TryEnqueue(Crate(n)));
        await Scheduled(h);
        Assert.Equal(0, h.Cache.Batches);

        // The clock does not move: only the budget starts the writes.
        Assert.True(h.WriteBehind.TryEnqueue(Crate(half)));
        await saved.Task.WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.NotEmpty(h.Cache.Crates);
    }

    [Fact]
    public async Task A_stop_writes_everything_waiting_without_waiting_for_quiet()
    {
        var h = Harness();
        await FetchAsync(h, "serde");
        await Scheduled(h);

        await h.WriteBehind.DisposeAsync().AsTask().WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(V1, System.Text.Encoding.UTF8.GetString(h.Cache.Files[("crates-io", "serde")].Content));
        Assert.Equal(0, h.WriteBehind.Pending);
    }
}
