using System.Net;
using GhostCrate.Core.Proxy;
using GhostCrate.Core.Storage;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>
/// Between two real GhostCrates (ProxyPair): a cold download is answered before the proxy's blob store has stored
/// it, a second request meanwhile is served from the waiting bytes (the upstream counts one download), and once the
/// store is let through the file and its usage row are there and are served with the upstream down.
/// </summary>
public class ProxyWriteBehindTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // against a hang, not a timing assertion

    [Fact]
    public async Task A_cold_download_is_answered_before_it_is_stored_and_not_fetched_twice_meanwhile()
    {
        HeldPutsBlobStore? held = null;
        await using var pair = await ProxyPair.StartAsync(proxyServices: s =>
        {
            BlobStoreDecoration.Wrap(s, inner => held = new HeldPutsBlobStore(inner));
            // The file store stages a batch and commits it at once: its commit is held the same way.
            var batches = (IBlobBatchStore)s.Last(d => d.ServiceType == typeof(IBlobBatchStore)).ImplementationInstance!;
            s.AddSingleton<IBlobBatchStore>(sp => new HeldCommitsBatchStore(batches, () => held!.Released));
        });
        try
        {
            var crate = await pair.PublishUpstreamAsync("held", "1.0.0");
            var client = pair.Proxy.Client();
            const string Url = "/crates-io/api/v1/crates/held/1.0.0/download";
            const string Stored = "proxy/crates-io/held/held-1.0.0.crate";

            var first = await client.GetAsync(Url, TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(crate, await first.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            Assert.DoesNotContain(Stored, pair.Proxy.BlobFiles());

            var second = await client.GetAsync(Url, TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken);
            Assert.Equal(crate, await second.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            Assert.Equal(1, pair.Control.DownloadsOf("held", "1.0.0"));

            held!.Release();
            await pair.Proxy.Services.GetRequiredService<ProxyWriteBehind>().WhenIdleAsync().WaitAsync(Guard, TestContext.Current.CancellationToken);
            Assert.Contains(Stored, pair.Proxy.BlobFiles());
            var usage = await pair.Proxy.Services.GetRequiredService<IProxyCacheRepository>().GetUsageAsync("crates-io", TestContext.Current.CancellationToken);
            Assert.Equal(1, usage.CrateFiles);
            Assert.Equal(1, usage.IndexFiles);

            pair.Control.Down = true;
            var offline = await client.GetAsync(Url, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, offline.StatusCode);
            Assert.Equal(crate, await offline.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
            Assert.Equal(1, pair.Control.DownloadsOf("held", "1.0.0"));
        }
        finally
        {
            held?.Release(); // a failed assertion must not leave the proxy's stop waiting for the held put
        }
    }

    /// <summary>The proxy's store, whose puts of proxied files wait until <see cref="Release"/> (a slow disk or S3).</summary>
    private sealed class HeldPutsBlobStore(IBlobStore inner) : IBlobStore
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public Task Released => _released.Task;

        public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
        {
            if (key.Path.StartsWith("proxy/", StringComparison.Ordinal)) await _released.Task.WaitAsync(cancellationToken);
            return await inner.PutAsync(key, content, mode, cancellationToken);
        }

        public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
        public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);
        public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
        public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }

    /// <summary>The proxy's batch store, whose staged commits wait until the puts are released.</summary>
    private sealed class HeldCommitsBatchStore(IBlobBatchStore inner, Func<Task> released) : IBlobBatchStore
    {
        public IBlobBatch StartBatch() => inner.StartBatch();

        public IStagedBlobBatch? StartStaged() => inner.StartStaged() is { } staged ? new Held(staged, released) : null;

        private sealed class Held(IStagedBlobBatch staged, Func<Task> released) : IStagedBlobBatch
        {
            public Task<Core.Backup.FileFacts> StageFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken) => staged.StageFileAsync(key, localFile, cancellationToken);
            public Task<Core.Backup.FileFacts> StageAsync(BlobKey key, Stream content, CancellationToken cancellationToken) => staged.StageAsync(key, content, cancellationToken);

            public async Task CommitAsync(CancellationToken cancellationToken)
            {
                await released().WaitAsync(cancellationToken);
                await staged.CommitAsync(cancellationToken);
            }

            public ValueTask DisposeAsync() => staged.DisposeAsync();
        }
    }
}
