using GhostCrate.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Support;

/// <summary>
/// The registered blob store, whose puts under a path prefix fail from the Nth on once armed: storage that gives out
/// half-way through a multi-file write (S3 down, a disk full). Everything else passes through.
/// </summary>
public sealed class FailingPutsBlobStore(IBlobStore inner) : IBlobStore
{
    private string? _prefix;
    private int _left;

    /// <summary>The next <paramref name="succeeding"/> puts under <paramref name="prefix"/> succeed, every later one throws.</summary>
    public void FailAfter(string prefix, int succeeding)
    {
        _left = succeeding;
        Volatile.Write(ref _prefix, prefix);
    }

    /// <summary>Wraps the store registered last.</summary>
    public static void Use(IServiceCollection services) => BlobStoreDecoration.Wrap(services, inner => new FailingPutsBlobStore(inner));

    public Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _prefix) is { } prefix && key.Path.StartsWith(prefix, StringComparison.Ordinal) && Interlocked.Decrement(ref _left) < 0)
            throw new IOException($"storage gave out (test): {key.Path}");
        return inner.PutAsync(key, content, mode, cancellationToken);
    }

    public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

    public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
