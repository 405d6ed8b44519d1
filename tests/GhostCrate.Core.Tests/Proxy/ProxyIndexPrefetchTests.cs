using System.Net;
using GhostCrate.Core.Proxy;
using Microsoft.Extensions.Logging.Abstractions;

namespace GhostCrate.Core.Tests.Proxy;

public class ProxyIndexPrefetchTests
{
    // app -> serde, log; log -> cfg-if; serde's dev dependency is never fetched ahead.
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["app"] = Line("app", "1.0.0", Dep("serde"), Dep("log")),
        ["serde"] = Line("serde", "1.0.200", Dep("serde-test", "dev")),
        ["log"] = Line("log", "0.4.22", Dep("cfg-if")),
        ["cfg-if"] = Line("cfg-if", "1.0.0"),
        ["serde-test"] = Line("serde-test", "1.0.0"),
    };

    private static string Line(string name, string vers, params string[] deps) =>
        $"{{\"name\":\"{name}\",\"vers\":\"{vers}\",\"deps\":[{string.Join(',', deps)}],\"cksum\":\"aa\",\"features\":{{}},\"yanked\":false}}\n";

    private static string Dep(string name, string kind = "normal") =>
        $"{{\"name\":\"{name}\",\"req\":\"^1\",\"features\":[],\"optional\":false,\"default_features\":true,\"target\":null,\"kind\":\"{kind}\"}}";

    private static HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var name = request.RequestUri!.AbsolutePath.Split('/')[^1];
        return Files.TryGetValue(name, out var body) ? ScriptedUpstream.Body(body, $"\"{name}\"") : new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private static ScriptedUpstream Upstream() => new(Answer);

    /// <summary>Polls (with a deadline) until the prefetch has nothing queued or running.</summary>
    private static async Task IdleAsync(ProxyIndexPrefetch prefetch)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (prefetch.Outstanding > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the prefetch still has {prefetch.Outstanding} item(s) after 30 s");
            await Task.Yield();
            await Task.Delay(5);
        }
    }

    private static string[] Requested(ProxyHarness h) =>
        h.Upstream.Requests.Select(r => r.RequestUri!.AbsolutePath.Split('/')[^1]).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_first_fetch_fetches_the_dependency_closure_before_anyone_asks_and_cargo_then_reads_it_from_memory()
    {
        await using var prefetch = new ProxyIndexPrefetch(NullLogger<ProxyIndexPrefetch>.Instance);
        var h = new ProxyHarness(Upstream(), prefetch: prefetch);

        await h.GetAsync("app");
        await IdleAsync(prefetch);

        Assert.Equal(["app", "cfg-if", "log", "serde"], Requested(h));
        var misses = h.CratesIo.Stats.Peek().IndexMisses;
        foreach (var name in new[] { "serde", "log", "cfg-if" })
            Assert.Equal(ProxyIndexStatus.Found, (await h.GetAsync(name)).Status);
        Assert.Equal(4, h.Upstream.Requests.Count);
        Assert.Equal(misses, h.CratesIo.Stats.Peek().IndexMisses);
        await h.StoredAsync();
        Assert.True(h.Cache.Files.ContainsKey(("crates-io", "cfg-if")), "a prefetched file is stored like any other");
    }

    [Fact]
    public async Task Nothing_is_fetched_ahead_when_the_upstream_turns_it_off()
    {
        await using var prefetch = new ProxyIndexPrefetch(NullLogger<ProxyIndexPrefetch>.Instance);
        var h = new ProxyHarness(Upstream(), prefetch: prefetch, prefetchDependencies: false);

        await h.GetAsync("app");
        await IdleAsync(prefetch);

        Assert.Equal(["app"], Requested(h));
    }

    [Fact]
    public async Task A_revalidated_file_fetches_nothing_ahead_and_a_failed_prefetch_leaves_the_client_its_own_request()
    {
        await using var prefetch = new ProxyIndexPrefetch(NullLogger<ProxyIndexPrefetch>.Instance);
        var serdeFails = true;
        var h = new ProxyHarness(new ScriptedUpstream(r =>
            serdeFails && r.RequestUri!.AbsolutePath.EndsWith("/serde", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                : Answer(r)), prefetch: prefetch, breakerFailures: 0);

        await h.GetAsync("app");
        await IdleAsync(prefetch);
        Assert.Equal(["app", "cfg-if", "log", "serde"], Requested(h));

        serdeFails = false;
        var serde = await h.GetAsync("serde");
        Assert.Equal(ProxyIndexStatus.Found, serde.Status);
        Assert.Equal(2, h.IndexRequests("serde"));

        // Past the Ttl a client's request revalidates `app`: not a first fetch, so nothing more is fetched ahead.
        h.Time.Advance(TimeSpan.FromMinutes(2));
        await h.Index.GetAsync(h.CratesIo, "app", revalidate: false, CancellationToken.None);
        await IdleAsync(prefetch);
        Assert.Equal(2, h.IndexRequests("app"));
        Assert.Equal(1, h.IndexRequests("log"));
        Assert.Equal(1, h.IndexRequests("cfg-if"));
    }

    [Fact]
    public async Task A_stop_waits_for_the_fetch_under_way_and_its_file_is_stored()
    {
        var prefetch = new ProxyIndexPrefetch(NullLogger<ProxyIndexPrefetch>.Instance);
        var serdeAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serdeAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = new ProxyHarness(new ScriptedUpstream(async (r, _) =>
        {
            if (r.RequestUri!.AbsolutePath.EndsWith("/serde", StringComparison.Ordinal))
            {
                serdeAsked.TrySetResult();
                await serdeAnswer.Task;
            }
            return Answer(r);
        }), prefetch: prefetch);

        await h.GetAsync("app");
        await serdeAsked.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var stopping = prefetch.DisposeAsync().AsTask();

        Assert.False(stopping.IsCompleted, "the stop must wait for the fetch of serde");
        serdeAnswer.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await h.StoredAsync();
        Assert.True(h.Cache.Files.ContainsKey(("crates-io", "serde")), "the file fetched during the stop is stored");
    }
}
