using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The proxy's circuit breaker with a real hanging upstream: P reaches U through a 127.0.0.1 relay that, once switched,
/// accepts connections and never answers. After two timeouts the circuit opens; a fresh CARGO_HOME then builds from
/// P's cache without P opening a single connection to the upstream (nothing waits for the request timeout), the status
/// shows the open circuit, and a probe after the upstream recovers closes it.
/// </summary>
public sealed class ProxyCircuitBreakerTests(ProxyCircuitBreakerTests.Pair fixture) : ProxyEndToEndTest(fixture), IClassFixture<ProxyCircuitBreakerTests.Pair>
{
    /// <summary>U, the relay in front of it, and P pointed at the relay (short timeout, two failures open, a long cool-down).</summary>
    public sealed class Pair : ProxyPairFixture
    {
        public HangingRelay? Relay { get; private set; }

        protected override Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream)
        {
            Relay = new HangingRelay(upstream.Port);
            var settings = ProxySettings(upstream);
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__IndexUrl"] = $"http://127.0.0.1:{Relay.Port}/index/";
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__ApiUrl"] = $"http://127.0.0.1:{Relay.Port}";
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__RequestTimeout"] = "00:00:03";
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__CircuitBreakerFailures"] = "2";
            // Longer than the test: no probe goes out while the test shows that nothing is asked.
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__CircuitBreakerCoolDown"] = "01:00:00";
            return settings;
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (Relay is not null) await Relay.DisposeAsync();
        }
    }

    private HangingRelay Relay => fixture.Relay ?? throw new InvalidOperationException("the relay was not started");

    [Fact]
    public async Task Once_the_circuit_opens_cargo_builds_from_the_cache_without_the_upstream_being_asked()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var dep = await publisher.NewLibAsync($"brk-dep-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn dep() -> u32 { 5 }\n" });
        await publisher.PublishOkAsync(dep);
        var lib = await publisher.NewLibAsync($"brk-lib-{id}", dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn lib() -> u32 {{ {dep.RustName}::dep() + 1 }}\n" });
        await publisher.PublishOkAsync(lib);

        var warm = await ConsumerOfProxyAsync();
        var (_, warmBuild) = await BuildConsumerAsync(warm, $"warm-{id}", $"{lib.Name} = \"0.1\"", $"{lib.RustName}::lib()");
        Assert.True(warmBuild.Succeeded, warmBuild.Describe());
        Assert.Equal("closed", (await StatusAsync())["circuit"]!.GetValue<string>());

        Relay.Hang();

        // Closed until two upstream requests have timed out (each waits 3 s, then gets the stale copy).
        var during = await ConsumerOfProxyAsync();
        var (_, duringBuild) = await BuildConsumerAsync(during, $"during-{id}", $"{lib.Name} = \"0.1\"", $"{lib.RustName}::lib()");
        Assert.True(duringBuild.Succeeded, "cargo must build from P's stale copies while U hangs:\n" + duringBuild.Describe());
        var open = await StatusAsync();
        Assert.Equal("open", open["circuit"]!.GetValue<string>());
        Assert.NotNull(open["circuitRetryAt"]);
        Assert.False(open["reachable"]!.GetValue<bool>(), open.ToJsonString());
        Assert.Contains("did not answer within 3 s", open["lastError"]!.GetValue<string>(), StringComparison.Ordinal);

        // Open: a fresh CARGO_HOME builds, and P opened no connection to the upstream for it.
        var connectionsBefore = Relay.Accepted;
        var staleBefore = open["counters"]!["staleServed"]!.GetValue<long>();
        var after = await ConsumerOfProxyAsync();
        var (_, afterBuild) = await BuildConsumerAsync(after, $"after-{id}", $"{lib.Name} = \"0.1\"", $"{lib.RustName}::lib()");
        Assert.True(afterBuild.Succeeded, afterBuild.Describe());
        Assert.Equal(connectionsBefore, Relay.Accepted);
        var stillOpen = await StatusAsync();
        Assert.True(stillOpen["counters"]!["staleServed"]!.GetValue<long>() >= staleBefore + 2, stillOpen.ToJsonString());
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"cargo build while closed and timing out: {duringBuild.Elapsed.TotalSeconds:F1} s; with the circuit open: {afterBuild.Elapsed.TotalSeconds:F1} s");

        // The upstream answers again: an operator's probe goes through the open circuit and closes it.
        Relay.Resume();
        var recovered = await StatusAsync(probe: true);
        Assert.Equal("closed", recovered["circuit"]!.GetValue<string>());
        Assert.True(recovered["reachable"]!.GetValue<bool>(), recovered.ToJsonString());
    }

    private async Task<JsonNode> StatusAsync(bool probe = false)
    {
        var answer = await Proxy.Http.GetAsync($"api/v1/admin/proxy/status?probe={(probe ? "true" : "false")}", Proxy.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!["upstreams"]![0]!;
    }
}
