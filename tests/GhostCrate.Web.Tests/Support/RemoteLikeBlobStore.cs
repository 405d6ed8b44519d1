using GhostCrate.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// The registered blob store without <see cref="ILocalBlobFiles"/>: the server then treats it as it treats S3 (no local
/// paths to send), while the bytes still live in the test's data directory. Counts reads, so a test sees which
/// downloads reached the store. The real S3 path runs in GhostCrate.EndToEnd's postgres-s3 lane (MetricsTests).
/// </summary>
public sealed class RemoteLikeBlobStore(IBlobStore inner) : IBlobStore
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Wraps the store registered last.</summary>
    public static void Use(IServiceCollection services) => BlobStoreDecoration.Wrap(services, inner => new RemoteLikeBlobStore(inner));

    public Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken) => inner.PutAsync(key, content, mode, cancellationToken);

    public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return inner.OpenReadAsync(key, cancellationToken);
    }

    public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

    public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
