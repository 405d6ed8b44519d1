namespace GhostCrate.Core.Storage;

/// <summary>
/// Port for blob storage (crate files). Implementations: file system, S3. Expected outcomes are values
/// (<see cref="BlobPutResult"/>, null for a missing blob); exceptions mean the store itself failed.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>. Readers never observe a partial object:
    /// the file system store writes a temp file, fsyncs and renames; S3 PUTs are atomic.
    /// With <see cref="BlobPutMode.IfAbsent"/> an existing object is left untouched and AlreadyExists returned.
    /// </summary>
    Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading, or null when it does not exist.</summary>
    Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; deleting a missing blob is not an error.</summary>
    Task DeleteAsync(BlobKey key, CancellationToken cancellationToken);

    /// <summary>Lists the paths of every blob under a prefix (e.g. "crates/"), in no particular order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached or written (used by /ready).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}

public enum BlobPutMode
{
    /// <summary>Replace any existing object (used only when the database proves no row refers to it).</summary>
    Overwrite,
    /// <summary>Keep an existing object (proxy cache, idempotent retries).</summary>
    IfAbsent,
}

public enum BlobPutResult
{
    Stored,
    AlreadyExists,
}

/// <summary>An open blob. Dispose it to release the stream.</summary>
public sealed class BlobContent(Stream stream, long length, DateTimeOffset? lastModified) : IAsyncDisposable, IDisposable
{
    public Stream Stream { get; } = stream;
    public long Length { get; } = length;
    public DateTimeOffset? LastModified { get; } = lastModified;
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
    public void Dispose() => Stream.Dispose();
}
