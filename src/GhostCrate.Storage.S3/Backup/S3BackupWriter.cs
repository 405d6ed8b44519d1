using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.Core.Backup;

namespace GhostCrate.Storage.S3.Backup;

/// <summary>
/// Writes one backup under an S3 prefix. Each file is hashed into a local staging file first and then uploaded with
/// its length (a plain signed PUT, which every S3-compatible server understands); the manifest is the last PUT.
/// </summary>
internal sealed class S3BackupWriter : IBackupWriter
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _folder;

    public S3BackupWriter(IAmazonS3 client, string bucket, string folder)
    {
        _client = client;
        _bucket = bucket;
        _folder = folder;
        StagingFolder = Directory.CreateTempSubdirectory("ghostcrate-backup-s3-").FullName;
    }

    public string StagingFolder { get; }

    public async Task<FileFacts> AddAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var local = Path.Combine(StagingFolder, Guid.NewGuid().ToString("N"));
        FileFacts facts;
        await using (var file = new FileStream(local, FileMode.CreateNew, FileAccess.Write, FileShare.None, 128 * 1024, FileOptions.Asynchronous))
        {
            facts = await FileFacts.CopyAsync(content, file, cancellationToken);
        }
        await UploadAsync(path, local, cancellationToken);
        return facts;
    }

    public async Task<FileFacts> AdoptAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        FileFacts facts;
        await using (var stream = File.OpenRead(localFile))
        {
            facts = await FileFacts.MeasureAsync(stream, cancellationToken);
        }
        await UploadAsync(path, localFile, cancellationToken);
        return facts;
    }

    public async Task CommitAsync(ReadOnlyMemory<byte> manifest, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(manifest.ToArray(), writable: false);
        await PutAsync(BackupManifest.FileName, body, cancellationToken);
    }

    /// <summary>One PUT: S3 replaces an object whole, so a reader sees the old marker or the new one.</summary>
    public async Task WriteRunningMarkerAsync(ReadOnlyMemory<byte> marker, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(marker.ToArray(), writable: false);
        await PutAsync(RunningMarker.FileName, body, cancellationToken);
    }

    public Task RemoveRunningMarkerAsync(CancellationToken cancellationToken) =>
        _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = _folder + RunningMarker.FileName }, cancellationToken);

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(StagingFolder, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private async Task UploadAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        if (!BackupPaths.IsSafeRelative(path)) throw new ArgumentException($"'{path}' is not a relative backup path", nameof(path));
        await using (var stream = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 128 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            await PutAsync(path, stream, cancellationToken);
        }
        File.Delete(localFile);
    }

    private Task PutAsync(string path, Stream body, CancellationToken cancellationToken) =>
        _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _folder + path,
            InputStream = body,
            AutoCloseStream = false,
            // s3rver and several S3-compatible servers do not understand aws-chunked uploads (S3BlobStore does the same).
            UseChunkEncoding = false,
        }, cancellationToken);
}
