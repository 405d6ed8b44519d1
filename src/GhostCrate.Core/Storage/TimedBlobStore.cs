using System.Diagnostics;
using GhostCrate.Core.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Core.Storage;

/// <summary>
/// Times every blob store operation into <see cref="GhostCrateMetrics.StorageDuration"/> (labels: backend, operation),
/// so storage latency is seen the same way for every backend without each store measuring itself.
/// </summary>
public class TimedBlobStore(IBlobStore inner, string backend) : IBlobStore
{
    private readonly KeyValuePair<string, object?> _backend = new("backend", backend);
    private static readonly KeyValuePair<string, object?> Put = new("operation", "put");
    private static readonly KeyValuePair<string, object?> Read = new("operation", "open_read");
    private static readonly KeyValuePair<string, object?> Exists = new("operation", "exists");
    private static readonly KeyValuePair<string, object?> Delete = new("operation", "delete");
    private static readonly KeyValuePair<string, object?> Health = new("operation", "health");

    public IBlobStore Inner => inner;

    /// <summary>Replaces the registered <see cref="IBlobStore"/> with a timed one (keeping <see cref="ILocalBlobFiles"/> when the store has it).</summary>
    public static void Decorate(IServiceCollection services, string backend)
    {
        var index = services.Count - 1;
        while (index >= 0 && services[index].ServiceType != typeof(IBlobStore)) index--;
        if (index < 0) throw new InvalidOperationException("no IBlobStore is registered to time");
        var original = services[index];
        services[index] = ServiceDescriptor.Singleton<IBlobStore>(sp =>
        {
            var store = original.ImplementationInstance as IBlobStore
                ?? (IBlobStore?)original.ImplementationFactory?.Invoke(sp)
                ?? (IBlobStore)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            return store is ILocalBlobFiles ? new TimedLocalBlobStore(store, backend) : new TimedBlobStore(store, backend);
        });
    }

    public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try { return await inner.PutAsync(key, content, mode, cancellationToken); }
        finally { Record(Put, started); }
    }

    public async Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try { return await inner.OpenReadAsync(key, cancellationToken); }
        finally { Record(Read, started); }
    }

    public async Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try { return await inner.ExistsAsync(key, cancellationToken); }
        finally { Record(Exists, started); }
    }

    public async Task DeleteAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try { await inner.DeleteAsync(key, cancellationToken); }
        finally { Record(Delete, started); }
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try { await inner.CheckHealthAsync(cancellationToken); }
        finally { Record(Health, started); }
    }

    private void Record(KeyValuePair<string, object?> operation, long started)
    {
        if (GhostCrateMetrics.StorageDuration.Enabled) GhostCrateMetrics.StorageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _backend, operation);
    }
}

/// <summary>A timed file-system store: downloads still find the plain files (the download fast path sends them itself).</summary>
public sealed class TimedLocalBlobStore(IBlobStore inner, string backend) : TimedBlobStore(inner, backend), ILocalBlobFiles
{
    public string LocalPath(BlobKey key) => ((ILocalBlobFiles)Inner).LocalPath(key);
}
