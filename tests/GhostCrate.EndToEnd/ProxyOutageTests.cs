using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// The proxy while its upstream is down: a second consumer with a fresh CARGO_HOME still builds from P's cache, a crate
/// never fetched fails at once with a sentence (not a hang), and the status endpoint follows the outage and the recovery.
/// Its own pair of servers, because it stops the upstream.
/// </summary>
public sealed class ProxyOutageTests(ProxyOutageTests.Pair fixture) : ProxyEndToEndTest(fixture), IClassFixture<ProxyOutageTests.Pair>
{
    public sealed class Pair : ProxyPairFixture;

    [Fact]
    public async Task Builds_survive_an_upstream_outage_and_the_status_follows_it()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var dep = await publisher.NewLibAsync($"sturdy-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn sturdy() -> u32 { 3 }\n" });
        await publisher.PublishOkAsync(dep);
        var lib = await publisher.NewLibAsync($"cached-{id}", dependencies: $"{dep.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn cached() -> u32 {{ {dep.RustName}::sturdy() + 1 }}\n" });
        await publisher.PublishOkAsync(lib);
        var never = await publisher.NewLibAsync($"never-{id}");
        await publisher.PublishOkAsync(never, verify: false);

        var first = await ConsumerOfProxyAsync();
        var (_, warmBuild) = await BuildConsumerAsync(first, $"first-{id}", $"{lib.Name} = \"0.1\"", $"{lib.RustName}::cached()");
        Assert.True(warmBuild.Succeeded, warmBuild.Describe());
        var healthy = await StatusAsync();
        Assert.True(healthy["reachable"]!.GetValue<bool>(), healthy.ToJsonString());

        await Upstream.StopAsync();

        var second = await ConsumerOfProxyAsync();
        var (_, offlineBuild) = await BuildConsumerAsync(second, $"second-{id}", $"{lib.Name} = \"0.1\"", $"{lib.RustName}::cached()");
        Assert.True(offlineBuild.Succeeded, "a fresh CARGO_HOME must build from P's cache while U is down:\n" + offlineBuild.Describe());

        var third = await ConsumerOfProxyAsync();
        var (_, missing) = await BuildConsumerAsync(third, $"third-{id}", $"{never.Name} = \"0.1\"", "0");
        Assert.False(missing.Succeeded, missing.Describe());
        Assert.Contains($"crate `{never.Name}` is not in GhostCrate's cache of `crates-io` and the upstream cannot be reached", missing.StdErr);
        Assert.True(missing.Elapsed < TimeSpan.FromMinutes(1), $"cargo should fail promptly, took {missing.Elapsed}");

        var outage = await StatusAsync();
        Assert.False(outage["reachable"]!.GetValue<bool>(), outage.ToJsonString());
        Assert.Contains("refused", outage["lastError"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.True(outage["counters"]!["staleServed"]!.GetValue<long>() >= 1, outage.ToJsonString());
        // The usage rows of cached crates are written after the downloads are answered (Core/Proxy/ProxyWriteBehind):
        // poll for them with a deadline instead of trusting that the builds since took long enough.
        await Eventually.TrueAsync(async () => (await StatusAsync())["cache"]!["crateFiles"]!.GetValue<long>() >= 2,
            "the usage rows of the two cached crates", TimeSpan.FromSeconds(30), Cancel);

        var port = Upstream.Port;
        await Upstream.RestartAsync(Cancel);
        Assert.True(Upstream.Port == port, $"U came back on port {Upstream.Port} instead of {port}; P still points at the old one");
        var recovered = await StatusAsync(probe: true);
        Assert.True(recovered["reachable"]!.GetValue<bool>(), recovered.ToJsonString());
    }

    private async Task<JsonNode> StatusAsync(bool probe = false)
    {
        var answer = await Proxy.Http.GetAsync($"api/v1/admin/proxy/status?probe={(probe ? "true" : "false")}", Proxy.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!["upstreams"]![0]!;
    }
}
