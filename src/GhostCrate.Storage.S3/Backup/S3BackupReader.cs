using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using GhostCrate.Core.Backup;

namespace GhostCrate.Storage.S3.Backup;

/// <summary>Reads one backup under an S3 prefix; paths from a manifest are checked before they become object keys.</summary>
public sealed class S3BackupReader(IAmazonS3 client, S3BackupTarget target, string id) : IBackupReader
{
    private readonly string _folder = $"{target.Prefix}{id}/";

    public string Id => id;

    public string Describe => $"{target}{id}";

    public async Task<byte[]?> ReadManifestAsync(CancellationToken cancellationToken)
    {
        await using var stream = await OpenReadAsync(BackupManifest.FileName, cancellationToken);
        if (stream is null)
        {
            // An id with no object at all is a typo, not an incomplete backup.
            await foreach (var _ in ListFilesAsync(cancellationToken)) return null;
            if (await ReadRunningMarkerAsync(cancellationToken) is not null) return null; // just started: nothing but its marker yet
            throw new BackupException($"{Describe}: no such backup");
        }
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public async IAsyncEnumerable<string> ListFilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = target.Bucket, Prefix = _folder };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                var relative = item.Key[_folder.Length..];
                if (relative.Length == 0 || relative.EndsWith('/') || relative is BackupManifest.FileName or RunningMarker.FileName) continue;
                yield return relative;
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && !string.IsNullOrEmpty(response.NextContinuationToken));
    }

    public IBackupReader OpenSibling(string sibling)
    {
        if (!BackupPaths.IsSafeRelative(sibling) || sibling.Contains('/')) throw new BackupException($"'{sibling}' is not a backup id");
        return new S3BackupReader(client, target, sibling);
    }

    public async Task<byte[]?> ReadRunningMarkerAsync(CancellationToken cancellationToken)
    {
        await using var stream = await OpenReadAsync(RunningMarker.FileName, cancellationToken);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public async Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!BackupPaths.IsSafeRelative(path)) throw new BackupException($"'{path}' is not a relative backup path");
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = target.Bucket, Key = _folder + path }, cancellationToken);
            // Disposing the response stream releases the HTTP connection.
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsMissingObject(ex))
        {
            return null;
        }
    }
}
