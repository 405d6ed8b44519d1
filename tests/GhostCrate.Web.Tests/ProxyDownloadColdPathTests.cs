using System.Collections.Concurrent;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static GhostCrate.Web.Tests.Support.FastPathComparison;

namespace GhostCrate.Web.Tests;

/// <summary>
/// A proxy mount's downloads this node does not hold as a file (a cold build's, a version the upstream lacks, an
/// upstream that is down) are answered by the download fast path through the mount's service (DownloadFastPath's
/// OpenProxiedAsync), exactly as the mount's download endpoint answers them, without going through the pipeline.
/// </summary>
public class ProxyDownloadColdPathTests
{
    private static readonly string[] ComparedHeaders = ["Cache-Control", "ETag", "Content-Type", "Content-Length", "Accept-Ranges", "WWW-Authenticate"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cold_downloads_are_answered_as_the_endpoint_answers_them_without_the_pipeline(bool authRequired)
    {
        var settings = new Dictionary<string, string?> { ["Registry:AuthRequired"] = authRequired ? "true" : "false" };
        var handedOn = new PipelineRequests();
        await using var pair = await ProxyPair.StartAsync(settings, services => services.AddSingleton<IStartupFilter>(handedOn));
        await pair.PublishUpstreamAsync("cold-dl", "1.0.0");
        await pair.PublishUpstreamAsync("other-dl", "2.0.0");
        // A second proxy of the same upstream on its own (empty) data directory, without the download fast path.
        await using var slow = await pair.StartSecondProxyAsync(settings, services => Without<DownloadFastPathStartupFilter>(services));

        var reader = authRequired ? TestApp.AdminToken : null;
        foreach (var path in new[]
        {
            "/crates-io/api/v1/crates/cold-dl/1.0.0/download", // cold on both nodes
            "/crates-io/api/v1/crates/cold-dl/9.9.9/download", // a version the index does not list
            "/crates-io/api/v1/crates/no-such-crate/1.0.0/download", // a crate the upstream does not have
        })
        {
            await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, path, reader), ComparedHeaders);
        }
        // A caller the mount's filter refuses (auth-required: none) still gets the endpoint's challenge.
        await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, "/crates-io/api/v1/crates/cold-dl/1.0.0/download", null), ComparedHeaders);

        // The upstream down: a version never fetched is answered 502 with the reason.
        pair.Control.Down = true;
        await AssertSameAnswerAsync(pair.Proxy, slow, () => Request(HttpMethod.Get, "/crates-io/api/v1/crates/other-dl/2.0.0/download", reader), ComparedHeaders);

        // Only the refused anonymous caller of an auth-required registry reached the pipeline of the node with the fast path.
        Assert.Equal(authRequired ? 1 : 0, handedOn.Count("/crates-io/api/v1/crates/"));
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
