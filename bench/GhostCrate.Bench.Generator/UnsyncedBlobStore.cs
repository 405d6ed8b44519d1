using GhostCrate.Core.Storage;

namespace GhostCrate.Bench;

/// <summary>
/// The generator's fast path: the same IBlobStore port and the same file layout as the file-system store, minus the
/// two fsyncs per put that make bulk loading I/O-bound (generated data needs no crash safety). Everything else —
/// PublishService, its validation and the database transaction — is GhostCrate's own code. `--durable true` uses
/// the real store instead.
/// </summary>
public sealed class UnsyncedBlobStore(IBlobStore inner, string root) : IBlobStore
{
    public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
    {
        var target = Path.Combine(root, key.Path);
        if (mode == BlobPutMode.IfAbsent && File.Exists(target)) return BlobPutResult.AlreadyExists;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        await using (var file = File.Create(temp)) await content.CopyToAsync(file, cancellationToken);
        File.Move(temp, target, overwrite: true);
        return BlobPutResult.Stored;
    }

    public Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken) => inner.OpenReadAsync(key, cancellationToken);
    public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);
    public Task DeleteAsync(BlobKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
