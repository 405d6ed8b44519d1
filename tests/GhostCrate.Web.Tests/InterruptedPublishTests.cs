using System.Net;
using GhostCrate.Core.Storage;
using GhostCrate.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

/// <summary>A publish that fails half-way (storage breaks after or while writing) leaves no blob, row or index line.</summary>
public class InterruptedPublishTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Storage_failure_during_publish_leaves_nothing_behind(bool failAfterWriting)
    {
        FailingBlobStore? failing = null;
        await using var app = await TestApp.StartAsync(overrideServices: services =>
        {
            var inner = services.Last(d => d.ServiceType == typeof(IBlobStore));
            services.Remove(inner);
            services.AddSingleton<IBlobStore>(sp =>
                failing = new FailingBlobStore((IBlobStore)(inner.ImplementationInstance ?? inner.ImplementationFactory!(sp)), failAfterWriting));
        });

        var response = await app.PublishAsync(CrateFileBuilder.Valid("fragile", "1.0.0").PublishBody());
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("trace id", await Json.ErrorDetailAsync(response));
        Assert.True(failing!.Attempts > 0);

        Assert.DoesNotContain(app.BlobFiles(), f => !f.StartsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/index/fr/ag/fragile")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync("/api/v1/crates/fragile")).StatusCode);

        // A retry once storage works again succeeds: nothing half-written stands in its way.
        failing.Broken = false;
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("fragile", "1.0.0").PublishBody())).StatusCode);
        Assert.Equal(["crates/fragile/fragile-1.0.0.crate"], app.BlobFiles().Where(f => !f.StartsWith(".tmp", StringComparison.Ordinal)));
    }

    private sealed class FailingBlobStore(IBlobStore inner, bool failAfterWriting) : IBlobStore
    {
        public volatile bool Broken = true;
        public int Attempts;

        public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
        {
            if (!Broken) return await inner.PutAsync(key, content, mode, cancellationToken);
            Interlocked.Increment(ref Attempts);
            if (failAfterWriting)
            {
                await inner.PutAsync(key, content, mode, cancellationToken);
                throw new IOException("simulated failure after the blob was written");
            }
            throw new IOException("simulated storage outage");
        }

        public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
        public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);
        public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
        public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
    }
}
