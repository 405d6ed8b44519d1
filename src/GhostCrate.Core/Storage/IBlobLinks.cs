namespace GhostCrate.Core.Storage;

/// <summary>
/// Short-lived URLs from which a client fetches a blob straight from the store, instead of through this server
/// (S3 presigned GET URLs, Storage:S3:PresignedDownloads). The composition root picks the implementation once:
/// <see cref="BlobsThroughThisServer"/> unless the store and the settings offer links.
/// </summary>
public interface IBlobLinks
{
    /// <summary>A URL that serves the blob until it expires, or null when this server sends the bytes itself.</summary>
    ValueTask<Uri?> CreateReadLinkAsync(BlobKey key, CancellationToken cancellationToken);
}

/// <summary>The file store, and S3 without Storage:S3:PresignedDownloads: every download goes through this server.</summary>
public sealed class BlobsThroughThisServer : IBlobLinks
{
    public static readonly BlobsThroughThisServer Instance = new();

    public ValueTask<Uri?> CreateReadLinkAsync(BlobKey key, CancellationToken cancellationToken) => ValueTask.FromResult<Uri?>(null);
}
