using System.Collections.Concurrent;
using System.Net;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static GhostCrate.Web.Tests.Support.FastPathComparison;

namespace GhostCrate.Web.Tests;

/// <summary>
/// A proxy mount's index files this node does not hold fresh (a first request, a due copy, a crate the upstream does
/// not have, an upstream that is down) are answered by the index fast path through the mount's service
/// (SparseIndexFastPath's cold path), exactly as the mount's endpoint answers them, without going through the pipeline.
/// </summary>
public class ProxyIndexColdPathTests
{
    private static readonly string[] ComparedHeaders = ["Cache-Control", "ETag", "Content-Type", "Content-Length", "X-GhostCrate-Cache", "WWW-Authenticate"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cold_and_due_files_are_answered_as_the_endpoint_answers_them_without_the_pipeline(bool authRequired)
    {
        // Ttl zero (ProxyPair's default): no copy is ever fresh, so every request is a miss or a revalidation.
        var settings = new Dictionary<string, string?> { ["Registry:AuthRequired"] = authRequired ? "true" : "false" };
        var handedOn = new PipelineRequests();
        await using var pair = await ProxyPair.StartAsync(settings, services => services.AddSingleton<IStartupFilter>(handedOn));
        await pair.PublishUpstreamAsync("demo", "1.0.0");
        await pair.PublishUpstreamAsync("Mixed_Case", "1.0.0");
        // A second proxy of the same upstream on its own (empty) data directory, without the fast path.
        await using var slow = await pair.StartSecondProxyAsync(settings, services => Without<SparseIndexFastPathStartupFilter>(services));

        var readers = authRequired ? new string?[] { TestApp.AdminToken } : [null, TestApp.AdminToken];
        foreach (var token in readers)
        {
            // The first of each is a cold miss on both nodes (for the first token), the rest revalidations of a due copy.
            foreach (var path in new[] { "/crates-io/index/de/mo/demo", "/crates-io/index/mi/xe/mixed_case", "/crates-io/index/de/mo/demo", "/crates-io/index/ab/se/absent" })
            {
                await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, path, token), ComparedHeaders);
            }
        }
        // A caller the mount's filter refuses (auth-required: none or a wrong token) still gets the endpoint's challenge.
        foreach (var token in new string?[] { null, "gcr_wrong_wrong_wrong_wrong_wrong" })
        {
            await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, "/crates-io/index/de/mo/demo", token), ComparedHeaders);
        }

        // The upstream down: the cached copy served stale, and a crate never fetched answered 502 with the reason.
        pair.Control.Down = true;
        var reader = readers[^1];
        await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, "/crates-io/index/de/mo/demo", reader), ComparedHeaders);
        await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, "/crates-io/index/ne/ve/never", reader), ComparedHeaders);
        var stale = await pair.Proxy.Client(reader).GetAsync("/crates-io/index/de/mo/demo");
        Assert.Equal("stale", HeaderValue(stale, "X-GhostCrate-Cache"));

        // Only the refused callers of an auth-required registry reached the pipeline of the node with the fast path.
        Assert.Equal(authRequired ? 2 : 0, handedOn.Count("/crates-io/index/"));
    }

    /// <summary>Counts the requests that reach the pipeline after the fast paths (a startup filter registered after theirs).</summary>
    private sealed class PipelineRequests : IStartupFilter
    {
        private readonly ConcurrentQueue<string> _paths = new();

        public int Count(string prefix) => _paths.Count(p => p.StartsWith(prefix, StringComparison.Ordinal));

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                _paths.Enqueue(context.Request.Path.Value ?? "");
                return following(context);
            });
            next(app);
        };
    }
}
