using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace GhostCrate.Storage.S3;

/// <summary>
/// Stores blobs as objects in one bucket, under an optional key prefix. S3 PUTs are atomic: a reader sees the old
/// object or the complete new one.
/// </summary>
/// <remarks>
/// Put-if-absent is a HEAD followed by a PUT carrying <c>If-None-Match: *</c>. Servers with conditional writes (AWS
/// S3 since 2024, MinIO, Ceph RGW) make that atomic; servers without them (s3rver, used by the tests) ignore the
/// header, and two concurrent writers of one missing key may then both store it, the last one winning. That race is
/// harmless for how IfAbsent is used: proxy-cached crate files and idempotent retries, where every writer of a key
/// writes the same immutable bytes (publishes overwrite inside the database transaction that owns the version).
/// The client is not disposed here: whoever created it owns it (in DI, the container).
/// </remarks>
public sealed class S3BlobStore(IAmazonS3 client, string bucket, string prefix, ILogger<S3BlobStore> logger) : IBlobStore
{
    private const int MaxConditionalConflictAttempts = 3;

    private readonly IAmazonS3 _client = client ?? throw new ArgumentNullException(nameof(client));
    private readonly string _bucket = string.IsNullOrWhiteSpace(bucket)
        ? throw new ArgumentException("An S3 bucket name is required.", nameof(bucket))
        : bucket;
    private readonly S3ObjectKeys _keys = new(prefix);

    /// <summary>Keys per ListObjectsV2 page; S3's maximum. Tests lower it to exercise pagination.</summary>
    internal int ListPageSize { get; init; } = 1000;

    public string BucketName => _bucket;

    /// <summary>The normalised key prefix: empty, or ending with '/'.</summary>
    public string KeyPrefix => _keys.Prefix;

    public async Task<BlobPutResult> PutAsync(BlobKey key, Stream content, BlobPutMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var objectKey = _keys.ToObjectKey(key.Path);

        // The HEAD saves uploading a body that would be refused, and is the only guard on servers that ignore
        // If-None-Match (see the class remarks).
        if (mode == BlobPutMode.IfAbsent && await ObjectExistsAsync(objectKey, cancellationToken))
            return BlobPutResult.AlreadyExists;

        await using var body = await SeekableBody.CreateAsync(content, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var request = new PutObjectRequest
            {
                BucketName = _bucket,
                Key = objectKey,
                InputStream = body.Stream,
                ContentType = key.ContentType,
                // The caller owns the stream (and our spool is disposed by SeekableBody).
                AutoCloseStream = false,
                // aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) are not understood by s3rver and several
                // other S3-compatible servers; the body is seekable, so a plain signed PUT with a length works everywhere.
                UseChunkEncoding = false,
            };
            if (mode == BlobPutMode.IfAbsent) request.IfNoneMatch = "*";

            try
            {
                await _client.PutObjectAsync(request, cancellationToken);
                logger.LogDebug("Stored blob {BlobKey} in bucket {Bucket} ({Mode})", key.Path, _bucket, mode);
                return BlobPutResult.Stored;
            }
            catch (AmazonS3Exception ex) when (mode == BlobPutMode.IfAbsent && S3Errors.IsPreconditionFailed(ex))
            {
                logger.LogDebug("Blob {BlobKey} was stored concurrently; kept the existing object", key.Path);
                return BlobPutResult.AlreadyExists;
            }
            catch (AmazonS3Exception ex) when (mode == BlobPutMode.IfAbsent && S3Errors.IsConditionalConflict(ex)
                                               && attempt < MaxConditionalConflictAttempts)
            {
                // Another conditional write of this key is in flight; the next attempt sees its outcome (412 if it won).
                logger.LogDebug("Conditional write conflict on {BlobKey}, attempt {Attempt}; retrying", key.Path, attempt);
            }
        }
    }

    public async Task<BlobContent?> OpenReadAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var objectKey = _keys.ToObjectKey(key.Path);
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = objectKey }, cancellationToken);
            // Disposing the response stream releases the HTTP connection; BlobContent owns it from here on.
            return new BlobContent(response.ResponseStream, response.ContentLength, ToUtc(response.LastModified));
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsMissingObject(ex))
        {
            return null;
        }
    }

    public Task<bool> ExistsAsync(BlobKey key, CancellationToken cancellationToken) =>
        ObjectExistsAsync(_keys.ToObjectKey(key.Path), cancellationToken);

    public async Task DeleteAsync(BlobKey key, CancellationToken cancellationToken)
    {
        var objectKey = _keys.ToObjectKey(key.Path);
        try
        {
            // S3 answers 204 for a missing key too.
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = objectKey }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsMissingObject(ex))
        {
            // Some S3-compatible servers answer 404 instead; either way it is gone.
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request
        {
            BucketName = _bucket,
            Prefix = _keys.ToListingPrefix(prefix),
            MaxKeys = ListPageSize,
        };
        ListObjectsV2Response response;
        do
        {
            response = await _client.ListObjectsV2Async(request, cancellationToken);
            // SDK v4 leaves empty collections null.
            foreach (var item in response.S3Objects ?? [])
            {
                // Keys ending in '/' are folder markers made by consoles and tools, not blobs.
                if (item.Key.EndsWith('/') || item.Key == _keys.HealthProbeKey) continue;
                yield return _keys.ToBlobPath(item.Key);
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken));
    }

    /// <summary>Writes and deletes a one-byte probe object: proves the endpoint, the credentials and write access.</summary>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        using var probe = new MemoryStream([0x2a], writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _keys.HealthProbeKey,
            InputStream = probe,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        }, cancellationToken);
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = _keys.HealthProbeKey }, cancellationToken);
    }

    /// <summary>
    /// Creates the bucket when it is missing (option Storage:S3:CreateBucket, meant for local S3-compatible servers).
    /// Call once at start-up; production buckets are usually provisioned with their policies by infrastructure code.
    /// </summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = _bucket }, cancellationToken);
            return;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Missing: create it below.
        }

        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
            logger.LogInformation("Created S3 bucket {Bucket}", _bucket);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Another instance created it between our HEAD and PUT.
        }
    }

    private async Task<bool> ObjectExistsAsync(string objectKey, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = objectKey }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static DateTimeOffset? ToUtc(DateTime? value) =>
        value is { } time ? new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero) : null;
}
