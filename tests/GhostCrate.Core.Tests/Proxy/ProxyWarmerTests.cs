using System.Net;
using System.Security.Cryptography;
using System.Text;
using GhostCrate.Core.Proxy;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Core.Tests.Proxy;

/// <summary>
/// A warm-up reports its files as cached so that a build machine can go offline: it answers only once the files it
/// fetched are in the blob store and have their rows (ProxyWriteBehind stores them behind other answers).
/// </summary>
public class ProxyWarmerTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // against a hang, not a timing assertion
    private static readonly byte[] Crate = Encoding.UTF8.GetBytes("pretend this is a gzipped tarball");
    private static readonly string Sum = Convert.ToHexStringLower(SHA256.HashData(Crate));
    private const string BlobPath = "proxy/crates-io/demo/demo-1.0.0.crate";

    [Fact]
    public async Task A_warm_up_answers_only_once_its_files_are_stored()
    {
        var h = new ProxyHarness(new ScriptedUpstream(request => request.RequestUri!.AbsolutePath switch
        {
            "/index/config.json" => ScriptedUpstream.Body("{\"dl\":\"http://dl.test/{crate}/{crate}-{version}.crate\"}"),
            "/index/de/mo/demo" => ScriptedUpstream.Body($"{{\"name\":\"demo\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"{Sum}\",\"features\":{{}},\"yanked\":false}}\n"),
            _ when request.RequestUri.Host == "dl.test" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Crate) },
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        }));
        // The blob put is held until the warm-up says it waits for the store, or until it answered without waiting
        // (the failure this test is for): no clock decides which comes first.
        var put = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Blobs.PutGate = put;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warmer = new ProxyWarmer(h.Index, h.Downloads, h.WriteBehind, new WaitLogger(waiting));

        var warm = warmer.WarmAsync(h.CratesIo, new WarmRequest(["demo@1.0.0"], null), TestContext.Current.CancellationToken);
        var storedWhenAnswered = warm.ContinueWith(_ => h.Blobs.Blobs.ContainsKey(BlobPath) && h.Cache.Crates.ContainsKey(("crates-io", "demo", "1.0.0")),
            TaskContinuationOptions.ExecuteSynchronously);
        await Task.WhenAny(waiting.Task, warm).WaitAsync(Guard, TestContext.Current.CancellationToken);
        put.SetResult();

        var (report, error) = await warm.WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Null(error);
        Assert.Equal(WarmItemStatus.Fetched, Assert.Single(report!.Items).Status);
        Assert.True(await storedWhenAnswered, "the warm-up answered before its .crate was stored and recorded");
    }

    /// <summary>Signals when the warmer logs that it waits for the write-behind.</summary>
    private sealed class WaitLogger(TaskCompletionSource waiting) : ILogger<ProxyWarmer>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("waiting until", StringComparison.Ordinal)) waiting.TrySetResult();
        }
    }
}
