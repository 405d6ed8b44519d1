namespace GhostCrate.Core.Storage;

/// <summary>
/// Port for writing many blobs whose durability is settled once, at the end, instead of per blob (a restore). A
/// file-system put fsyncs its file and its folder before it returns, which is right for a publish (the row commits
/// next) but makes a restore of many small crate files cost two disk syncs each; a batch syncs once in
/// <see cref="IBlobBatch.FlushAsync"/>, before anything that depends on the blobs (the restored database) is installed.
/// </summary>
public interface IBlobBatchStore
{
    IBlobBatch StartBatch();

    /// <summary>
    /// A batch whose blobs stay out of sight until they all go into place at once (<see cref="IStagedBlobBatch"/>), or
    /// null when this store cannot stage cheaply (S3: a staged object would be a second full upload and a copy per
    /// object); callers then check everything first and write with <see cref="StartBatch"/>.
    /// </summary>
    IStagedBlobBatch? StartStaged();
}

/// <summary>
/// Blobs written into a private staging area that no reader or listing of the store sees, measured on the way, so a
/// restore can check each blob against its manifest in the same pass that copies it and still leave the store as it
/// was when the backup turns out to be damaged. <see cref="CommitAsync"/> moves them all into place and makes them
/// durable; disposing without a commit removes the staging area and anything the batch made for it.
/// </summary>
public interface IStagedBlobBatch : IAsyncDisposable
{
    /// <summary>
    /// Stages a copy of a local file (left in place) under <paramref name="key"/> and returns the size and SHA-256 of
    /// the bytes copied; a missing <paramref name="localFile"/> throws <see cref="FileNotFoundException"/> or
    /// <see cref="DirectoryNotFoundException"/> before anything is written. Safe to call concurrently for different keys.
    /// </summary>
    Task<Backup.FileFacts> StageFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken);

    /// <summary>As <see cref="StageFileAsync"/> with the bytes of a stream (an encrypted backup's decrypted plaintext).</summary>
    Task<Backup.FileFacts> StageAsync(BlobKey key, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// Moves every staged blob into place (replacing what is there under the same key) and makes them durable; call
    /// once, after the last stage has returned and everything staged has been checked.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>Blobs written together; nothing is promised durable before <see cref="FlushAsync"/> returns.</summary>
public interface IBlobBatch
{
    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>, replacing any object there. Readers see the old
    /// object or the whole new one; safe to call concurrently for different keys.
    /// </summary>
    Task PutAsync(BlobKey key, Stream content, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="PutAsync"/> with the bytes of a local file (left in place). A file-system batch copies it as a
    /// file, without a stream: a restore is mostly small files, where a stream's thread hops cost more than the I/O.
    /// </summary>
    async Task PutFileAsync(BlobKey key, string localFile, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous);
        await PutAsync(key, file, cancellationToken);
    }

    /// <summary>Makes every put of this batch durable; call after the last put has returned.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A batch over a store whose puts are already durable when they return (S3: a successful PUT is stored, see
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel), so there is nothing left to flush.
/// </summary>
public sealed class DurablePutsBatchStore(IBlobStore store) : IBlobBatchStore
{
    public IBlobBatch StartBatch() => new Batch(store);

    /// <summary>No staging: a staged object would be a second full upload (see <see cref="IBlobBatchStore.StartStaged"/>).</summary>
    public IStagedBlobBatch? StartStaged() => null;

    private sealed class Batch(IBlobStore store) : IBlobBatch
    {
        public Task PutAsync(BlobKey key, Stream content, CancellationToken cancellationToken) =>
            store.PutAsync(key, content, BlobPutMode.Overwrite, cancellationToken);

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
