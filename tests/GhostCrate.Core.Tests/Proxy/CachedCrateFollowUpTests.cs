using System.Net;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Storage;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// The bookkeeping of newly cached crates yields to the build that is still fetching: it starts once no crate arrived
/// for a quiet period, or after the hold-back cap under a steady stream, and never waits when someone waits for it.
/// The clock is the harness's manual one; the test moves it only once the drain has set its timer.
/// </summary>
public sealed class CachedCrateFollowUpTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProxyHarness Harness() => new(new ScriptedUpstream(_ => new HttpResponseMessage(HttpStatusCode.NotFound)));

    private static void Enqueue(ProxyHarness h, string version) =>
        h.FollowUp.Enqueue(new CachedCrateFollowUp.CachedCrate("crates-io", "demo", version, BlobKey.ProxyCrateFile("crates-io", "demo", version), 3, "00", ProxyHarness.Start, new ArraySegment<byte>([1, 2, 3])));

    // The drain waits on the clock: nothing can have been handled until the test moves it.
    private static async Task DrainWaitsAsync(ProxyHarness h)
    {
        try
        {
            await h.Time.WhenScheduledAsync().WaitAsync(Guard, Ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the bookkeeping did not wait on the clock ({h.Cache.Crates.Count} handled, {h.FollowUp.Pending} pending)");
        }
    }

    [Fact]
    public async Task The_bookkeeping_starts_only_once_no_crate_arrived_for_the_quiet_period()
    {
        var h = Harness();
        Enqueue(h, "1.0.0");
        await DrainWaitsAsync(h);
        Assert.Empty(h.Cache.Crates);

        // A second crate inside the quiet period: the period starts again from it.
        h.Time.Advance(CachedCrateFollowUp.QuietPeriod / 2);
        Enqueue(h, "1.0.1");
        h.Time.Advance(CachedCrateFollowUp.QuietPeriod / 2);
        await DrainWaitsAsync(h);
        Assert.Empty(h.Cache.Crates);
        Assert.Equal(2, h.FollowUp.Pending);

        // Quiet for a whole period: both are handled, without anyone asking for it.
        h.Time.Advance(CachedCrateFollowUp.QuietPeriod);
        await ProxyIndexServiceTests.Until(() => h.Cache.Crates.Count == 2);
        await ProxyIndexServiceTests.Until(() => h.FollowUp.Pending == 0);
    }

    [Fact]
    public async Task A_steady_stream_of_crates_is_held_back_at_most_the_cap_then_drained()
    {
        var h = Harness();
        Enqueue(h, "1.0.0");
        var queued = 1;
        var held = TimeSpan.Zero;
        // A crate in every quiet period: never quiet, so only the cap lets the bookkeeping through.
        while (held < CachedCrateFollowUp.MaxHoldBack)
        {
            await DrainWaitsAsync(h);
            Assert.Empty(h.Cache.Crates);
            Enqueue(h, $"1.0.{queued++}");
            h.Time.Advance(CachedCrateFollowUp.QuietPeriod);
            held += CachedCrateFollowUp.QuietPeriod;
        }

        await ProxyIndexServiceTests.Until(() => h.Cache.Crates.Count == queued);
        Assert.True(held <= CachedCrateFollowUp.MaxHoldBack + CachedCrateFollowUp.QuietPeriod);
    }

    [Fact]
    public async Task Waiting_for_the_bookkeeping_does_not_wait_for_quiet()
    {
        var h = Harness();
        Enqueue(h, "1.0.0");
        await DrainWaitsAsync(h);

        // The clock never moves: WhenIdleAsync (an orderly stop, a test) ends the hold-back.
        await h.FollowUp.WhenIdleAsync().WaitAsync(Guard, Ct);
        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")));

        // Nor does disposal, for a crate queued after it.
        Enqueue(h, "1.0.1");
        await DrainWaitsAsync(h);
        await h.FollowUp.DisposeAsync().AsTask().WaitAsync(Guard, Ct);
        Assert.True(h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.1")));
    }
}
