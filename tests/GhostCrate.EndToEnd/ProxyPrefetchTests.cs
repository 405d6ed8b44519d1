using System.Net;
using System.Text.Json.Nodes;
using GhostCrate.EndToEnd.Infrastructure;
using GhostCrate.Protocol.Index;
using GhostCrate.Testing;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Dependencies fetched before cargo asks (Core/Proxy/ProxyIndexPrefetch): one request for the index file of `high`
/// makes P fetch `mid` and `low` from U on its own, so that the real cargo then resolves a project on `high` with U
/// stopped; and the .crate of `high`'s newest release (Core/Proxy/ProxyCratePrefetch), so that it downloads with U
/// stopped too. P keeps files fresh for 10 minutes here (the shared pair's Ttl of zero would revalidate every file with U);
/// its own pair, because it stops U.
/// </summary>
public sealed class ProxyPrefetchTests(ProxyPrefetchTests.Pair fixture) : ProxyEndToEndTest(fixture), IClassFixture<ProxyPrefetchTests.Pair>
{
    public sealed class Pair : ProxyPairFixture
    {
        protected override Dictionary<string, string> ProxySettingsFor(GhostCrateServer upstream)
        {
            var settings = ProxySettings(upstream);
            settings["GHOSTCRATE_Proxy__Upstreams__crates-io__Ttl"] = "00:10:00";
            return settings;
        }
    }

    [Fact]
    public async Task The_dependencies_of_a_first_fetched_index_file_are_fetched_ahead_and_cargo_resolves_from_them_alone()
    {
        var id = Ids.New();
        var publisher = PublisherToUpstream();
        var low = await publisher.NewLibAsync($"low-{id}");
        await publisher.PublishOkAsync(low);
        var mid = await publisher.NewLibAsync($"mid-{id}", dependencies: $"{low.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
        await publisher.PublishOkAsync(mid);
        var high = await publisher.NewLibAsync($"high-{id}", dependencies: $"{mid.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}");
        await publisher.PublishOkAsync(high);

        var first = await Proxy.Http.GetAsync($"crates-io/index/{IndexPath.ForCrate(high.Name)}", cancellationToken: Cancel);
        Assert.True(first.Status == HttpStatusCode.OK, first.Describe());
        // Nobody asks P for `mid` or `low`: P fetches and stores them because `high` (then `mid`) names them.
        await Eventually.TrueAsync(async () => (await StatusAsync())["cache"]!["indexFiles"]!.GetValue<long>() >= 3,
            "the index files of high, mid and low in P's cache", TimeSpan.FromSeconds(30), Cancel);
        var metrics = await Proxy.Http.GetAsync("metrics", cancellationToken: Cancel);
        var queued = PrometheusText.Parse(metrics.Body).Single(f => f.Name == "ghostcrate_proxy_index_prefetches_total").Samples
            .Single(x => x.Labels.GetValueOrDefault("result") == "queued" && x.Labels.GetValueOrDefault("upstream") == "crates-io");
        Assert.Equal(2, queued.Value);
        // And the .crate of the newest release of the one file a client read (Core/Proxy/ProxyCratePrefetch).
        await Eventually.TrueAsync(async () => (await StatusAsync())["cache"]!["crateFiles"]!.GetValue<long>() >= 1,
            "the .crate of high in P's cache", TimeSpan.FromSeconds(30), Cancel);
        metrics = await Proxy.Http.GetAsync("metrics", cancellationToken: Cancel);
        var cratesQueued = PrometheusText.Parse(metrics.Body).Single(f => f.Name == "ghostcrate_proxy_crate_prefetches_total").Samples
            .Single(x => x.Labels.GetValueOrDefault("result") == "queued" && x.Labels.GetValueOrDefault("upstream") == "crates-io");
        Assert.Equal(1, cratesQueued.Value);
        var cksum = (await Upstream.Http.GetIndexEntriesAsync(high.Name, cancellationToken: Cancel)).Single()["cksum"]!.GetValue<string>();

        await Upstream.StopAsync();

        using (var download = await Proxy.Http.Raw.GetAsync($"crates-io/api/v1/crates/{high.Name}/0.1.0/download", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(cksum, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await download.Content.ReadAsByteArrayAsync(Cancel))));
        }

        var developer = await ConsumerOfProxyAsync();
        var project = await developer.NewLibAsync($"app-{id}", dependencies: $"{high.Name} = \"0.1\"");
        var resolve = await developer.RunAsync(project.Directory, ["generate-lockfile"], timeout: TimeSpan.FromMinutes(2));
        Assert.True(resolve.Succeeded, "cargo must resolve high -> mid -> low from what P fetched ahead, with U stopped:\n" + resolve.Describe());
        var lockFile = await File.ReadAllTextAsync(project.LockPath, Cancel);
        Assert.Contains($"name = \"{low.Name}\"", lockFile);
    }

    private async Task<JsonNode> StatusAsync()
    {
        var answer = await Proxy.Http.GetAsync("api/v1/admin/proxy/status", Proxy.AdminToken, cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        return JsonNode.Parse(answer.Body)!["upstreams"]![0]!;
    }
}
