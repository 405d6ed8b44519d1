using System.Text;
using GhostCrate.Core.Proxy;
using GhostCrate.Testing;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// The per-upstream circuit breaker (Core/Proxy/UpstreamCircuitBreaker.cs) on a manual clock: its state machine, and
/// the proxy index service over an upstream that hangs: after the threshold of timeouts, cached files are served stale
/// at once and nothing is asked upstream until the cool-down ends; then one probe decides.
/// </summary>
public sealed class UpstreamCircuitBreakerTests
{
    private const string V1 = "{\"name\":\"serde\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"aa\",\"features\":{},\"yanked\":false}\n";
    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(30);

    [Fact]
    public void Opens_after_the_threshold_in_a_row_lets_one_probe_through_after_the_cool_down_and_closes_on_its_success()
    {
        var time = new ManualTime(ProxyHarness.Start);
        var breaker = new UpstreamCircuitBreaker(3, CoolDown, time);

        Assert.Equal(CircuitTransition.None, breaker.Failure());
        Assert.Equal(CircuitTransition.None, breaker.Failure());
        Assert.Equal(CircuitTransition.None, breaker.Success()); // a success in between starts the count again
        Assert.Equal(CircuitTransition.None, breaker.Failure());
        Assert.Equal(CircuitTransition.None, breaker.Failure());
        Assert.True(breaker.TryEnter());
        Assert.Equal(CircuitTransition.Opened, breaker.Failure());
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(ProxyHarness.Start, breaker.OpenedAt);
        Assert.Equal(ProxyHarness.Start + CoolDown, breaker.RetryAt);
        Assert.False(breaker.TryEnter());

        time.Advance(CoolDown - TimeSpan.FromSeconds(1));
        Assert.False(breaker.TryEnter());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.TryEnter()); // the probe
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.False(breaker.TryEnter()); // everyone else waits for its result

        Assert.Equal(CircuitTransition.None, breaker.Failure()); // probe failed: another cool-down
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(time.GetUtcNow() + CoolDown, breaker.RetryAt);
        Assert.False(breaker.TryEnter());

        time.Advance(CoolDown);
        Assert.True(breaker.TryEnter());
        Assert.Equal(CircuitTransition.Closed, breaker.Success());
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Null(breaker.OpenedAt);
        Assert.Null(breaker.RetryAt);
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void A_threshold_of_zero_never_opens()
    {
        var breaker = new UpstreamCircuitBreaker(0, CoolDown, new ManualTime(ProxyHarness.Start));
        for (var i = 0; i < 100; i++) Assert.Equal(CircuitTransition.None, breaker.Failure());
        Assert.True(breaker.TryEnter());
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task While_the_upstream_hangs_cached_files_are_served_stale_at_once_once_the_circuit_is_open()
    {
        var hang = false;
        var h = new ProxyHarness(new ScriptedUpstream(async (_, ct) =>
        {
            if (!Volatile.Read(ref hang)) return ScriptedUpstream.Body(V1);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }), ttl: TimeSpan.Zero, requestTimeout: TimeSpan.FromSeconds(10), breakerFailures: 3, breakerCoolDown: CoolDown);
        Assert.False((await h.GetAsync("serde")).Stale);
        Volatile.Write(ref hang, true);

        // Closed: each request waits for the request timeout, then gets the stale copy.
        for (var i = 1; i <= 3; i++)
        {
            var asked = h.Upstream.Requests.Count;
            var pending = h.GetAsync("serde");
            await ProxyIndexServiceTests.Until(() => h.Upstream.Requests.Count > asked);
            h.Time.Advance(TimeSpan.FromSeconds(10));
            var waited = await pending.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.True(waited.Stale);
            Assert.Equal(V1, Encoding.UTF8.GetString(waited.File!.Content));
        }
        Assert.Equal(CircuitState.Open, h.CratesIo.Breaker.State);
        // The opening is reported once, with the failure that caused it (proxy.upstream_down).
        var opened = Assert.Single(h.Circuits.Reports);
        Assert.Equal(("crates-io", true), (opened.Upstream, opened.Down));
        Assert.Contains("did not answer", opened.Error, StringComparison.Ordinal);

        // Open: answered without the clock moving and without a request upstream.
        var before = h.Upstream.Requests.Count;
        var served = await h.GetAsync("serde").WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(served.Stale);
        var uncached = await h.GetAsync("tokio").WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(ProxyIndexStatus.Unavailable, uncached.Status);
        Assert.Contains("circuit breaker open", uncached.Error);
        Assert.Equal(before, h.Upstream.Requests.Count);

        // After the cool-down one probe goes out; while it hangs, others are still answered at once.
        h.Time.Advance(CoolDown);
        var probe = h.GetAsync("serde");
        await ProxyIndexServiceTests.Until(() => h.Upstream.Requests.Count == before + 1);
        Assert.Equal(CircuitState.HalfOpen, h.CratesIo.Breaker.State);
        Assert.Equal(ProxyIndexStatus.Unavailable, (await h.GetAsync("tokio").WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Status);
        Assert.Equal(before + 1, h.Upstream.Requests.Count);
        h.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await probe.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Stale);
        Assert.Equal(CircuitState.Open, h.CratesIo.Breaker.State);

        // The upstream answers again: the next probe closes the circuit and the fresh file is served.
        Volatile.Write(ref hang, false);
        h.Time.Advance(CoolDown);
        var recovered = await h.GetAsync("serde").WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(recovered.Stale);
        Assert.Equal(CircuitState.Closed, h.CratesIo.Breaker.State);
        Assert.Equal(before + 2, h.Upstream.Requests.Count);
        // A failed probe is the same outage; the closing is reported once (proxy.upstream_up).
        Assert.Equal([("crates-io", true), ("crates-io", false)], h.Circuits.Reports.Select(r => (r.Upstream, r.Down)));
    }
}
